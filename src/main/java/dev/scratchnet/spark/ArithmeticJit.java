package dev.scratchnet.spark;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.management.ObjectName;

/**
 * Lets HotSpot's optimizing compiler (C2) compile only the arithmetic in this JVM: scratchnet's own code, netlib's
 * BLAS and the Vector API it runs on. Everything else (Spark's per-job machinery, Scala, Netty, the JDK's
 * serialization and collections) is compiled by C1 alone, which takes a fraction of C2's CPU time and leaves
 * code about as fast for that kind of work. On a machine with few cores, C2 compiling Spark's code during the
 * first epochs competes with the tasks; with this, it does not (see the README, "Measured").
 *
 * <p>Done with a HotSpot compiler directive (JEP 165: {@code c2: { Exclude: true }} for every method but those
 * packages) added at run time through the {@code DiagnosticCommand} MBean, as {@code jcmd <pid>
 * Compiler.directives_add} would: nothing on the command line, so it reaches every executor the way the code
 * does, and a run whose native BLAS cannot load keeps C2 for netlib's Java BLAS. It applies to methods compiled
 * from then on, for the rest of the JVM's life: meant for a JVM that runs scratchnet, not one shared with other
 * work. On a JVM without the command (not HotSpot), nothing changes.
 *
 * <p>The directives are the resource {@code c2-arithmetic.json} beside this class. {@code submit.sh} also gives that
 * file to the driver's JVM from its first instruction ({@code -XX:CompilerDirectivesFile}): added at run time, the
 * directives came after C2 had spent 0.6-0.9 s of CPU on the JDK's and Spark's start-up code (the lambda spinner's
 * ASM above all), and a cold {@code ./submit.sh} took 4-5% longer (docs/benchmarks.md, thirteenth pass). Then this
 * adds nothing and says so.
 */
public final class ArithmeticJit {
    /**
     * First match wins: the arithmetic keeps C2, every other method is excluded from it. The JDK's SHA-256 counts as
     * arithmetic: each epoch's checkpoint hashes its state file (6.5 MB for the demo's network), and its compression
     * function is a C2 intrinsic, several times slower when C1 compiles it. netlib's {@code AbstractBLAS} does not:
     * it checks a call's arguments and hands it to the kernels of its subclasses (native or Java, which keep C2);
     * C2 compiled its {@code sgemm} during the first epoch (71 ms with 4 partitions) for nothing measurable. Nor does
     * {@code Network.layers}, which wires a pass's layers to their views of the parameters twice a step: C2 took 77-100 ms
     * to compile it in the first epoch and, deoptimized by an epoch's evaluation, 60-70 ms again in the second.
     */
    static final String DIRECTIVES = directives();

    /** What {@link #apply} says when the JVM had the same directives from its start. */
    static final String FROM_START = "C2 for arithmetic only, from the JVM's start";

    private static String state;

    private ArithmeticJit() {}

    /** Adds the directives once per JVM; says what happened: {@code C2 for arithmetic only} or {@code unchanged (why)}. */
    public static synchronized String apply() {
        if (state == null) {
            state = add();
        }
        return state;
    }

    private static String directives() {
        try (java.io.InputStream in = ArithmeticJit.class.getResourceAsStream("c2-arithmetic.json")) {
            if (in == null) {
                throw new IllegalStateException("c2-arithmetic.json is not beside " + ArithmeticJit.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Whether this JVM started with a {@code -XX:CompilerDirectivesFile} holding these directives. */
    private static boolean fromStart() {
        try {
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("-XX:CompilerDirectivesFile=")) {
                    Path given = Path.of(arg.substring("-XX:CompilerDirectivesFile=".length()));
                    return Files.isRegularFile(given) && Files.readString(given, StandardCharsets.UTF_8).strip()
                            .equals(DIRECTIVES);
                }
            }
        } catch (Exception | LinkageError e) {
            // no answer: add them
        }
        return false;
    }

    private static String add() {
        if (fromStart()) {
            return FROM_START;
        }
        Path file = null;
        try {
            file = Files.createTempFile("scratchnet-jit-", ".json");
            Files.writeString(file, DIRECTIVES, StandardCharsets.UTF_8);
            Object answer = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            String text = String.valueOf(answer).strip();
            return text.equals("3 compiler directives added") ? "C2 for arithmetic only"
                    : "unchanged (" + text.lines().findFirst().orElse("no answer") + ")";
        } catch (Exception | LinkageError e) {
            return "unchanged (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        } finally {
            try {
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            } catch (Exception e) {
                // a temp file left behind is harmless
            }
        }
    }
}
