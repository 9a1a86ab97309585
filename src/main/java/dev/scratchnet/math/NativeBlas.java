package dev.scratchnet.math;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Chooses the BLAS behind {@link Blas}: native OpenBLAS shipped inside the application jar, or netlib's
 * pure-Java {@code VectorBLAS}. No system installation is needed.
 *
 * <p>netlib decides once per JVM, on its first use, whether it has a native library: its JNI wrapper
 * {@code dlopen}s the file named by the system property {@code dev.ludovic.netlib.blas.nativeLibPath}
 * (else {@code libblas.so.3}) and binds the Fortran symbols ({@code dgemm_}, {@code sgemm_}, ...). So
 * {@link #install} must run before anything else in the JVM touches netlib: it extracts the bundled
 * library to a private cache folder ({@link BundledOpenBlas}), loads it and its dependencies, points that
 * property at it, and only then lets netlib initialise. Call it on the driver before the first log line
 * and at the start of every executor task, with the value of the native-BLAS setting; {@link Blas} calls
 * {@code install(true)} itself on its first product if nobody did.
 *
 * <p>When the library cannot load (another OS or CPU, no writable cache folder, a broken file), one line
 * on standard error says why, and {@link Blas} uses the Java BLAS. netlib's own switch
 * {@code -Ddev.ludovic.netlib.blas.allowNative=false} also turns native off, without that line. Libraries named by the user with
 * {@code -Ddev.ludovic.netlib.blas.nativeLibPath} or {@code nativeLib} are respected instead of the bundle.
 * On a platform without a bundle netlib keeps its own default (Accelerate on macOS, {@code libblas.so.3}
 * on Linux). {@code OPENBLAS_NUM_THREADS} (launchers set 1: one OpenBLAS thread per task),
 * {@code OPENBLAS_CORETYPE} and {@code OPENBLAS_L2_SIZE} are read by OpenBLAS from the environment; this
 * class neither sets nor clears them, and names them in the description.
 */
public final class NativeBlas {
    static final String NATIVE_LIB_PATH = "dev.ludovic.netlib.blas.nativeLibPath";
    static final String NATIVE_LIB = "dev.ludovic.netlib.blas.nativeLib";

    private static final Object LOCK = new Object();
    /** What {@link Blas} uses now; null until the first install. */
    private static volatile Selection selection;
    /** The JVM's one attempt at a native library (guarded by LOCK); null until {@code install(true)}. */
    private static Attempt nativeAttempt;
    /** Whether netlib has been initialised by us (guarded by LOCK). */
    private static boolean netlibReady;
    /** Whether we set netlib's allowNative=false ourselves, rather than the user (guarded by LOCK). */
    private static boolean forbadeNative;

    private record Selection(BlasChoice choice, BLAS blas) {}

    private record Attempt(BLAS blas, String description, String failure, boolean quiet) {
        static Attempt loaded(BLAS blas, String description) {
            return new Attempt(blas, description, null, false);
        }

        static Attempt failed(String why) {
            return new Attempt(null, null, why, false);
        }
    }

    private NativeBlas() {}

    /**
     * Makes {@link Blas} use native OpenBLAS ({@code enabled}, if it loads) or the Java BLAS, and returns
     * the choice. Idempotent and thread-safe: a repeated call with the same value costs a volatile read.
     * The native library is attempted at most once per JVM (the first {@code install(true)}); later calls
     * switch between what is available. If the first call is {@code install(false)}, netlib initialises
     * without a native library, and a later {@code install(true)} reports native as unavailable.
     */
    public static BlasChoice install(boolean enabled) {
        return install(enabled, null);
    }

    /** The choice in force, installing the default (native enabled) if nothing was installed yet. */
    public static BlasChoice current() {
        return selection().choice();
    }

    /** As {@link #install(boolean)}, extracting into {@code cacheRoot} (null: the default cache folder). */
    static BlasChoice install(boolean enabled, Path cacheRoot) {
        Selection s = selection;
        if (s != null && s.choice().nativeEnabled() == enabled) {
            return s.choice();
        }
        synchronized (LOCK) {
            s = selection;
            if (s == null || s.choice().nativeEnabled() != enabled) {
                selection = enabled ? selectNative(cacheRoot) : selectJava(false, "native disabled");
            }
            return selection.choice();
        }
    }

    /** The netlib instance {@link Blas} calls. */
    static BLAS blas() {
        return selection().blas();
    }

    private static Selection selection() {
        Selection s = selection;
        if (s == null) {
            install(true);
            s = selection;
        }
        return s;
    }

    private static Selection selectJava(boolean enabled, String why) {
        if (!netlibReady) {
            forbidNative();
            initNetlib();
        }
        JavaBLAS java = JavaBLAS.getInstance();
        return new Selection(new BlasChoice(false, enabled, java.getClass().getName() + " (" + why + ")"), java);
    }

    private static Selection selectNative(Path cacheRoot) {
        if (nativeAttempt == null) {
            nativeAttempt = attemptNative(cacheRoot);
            if (nativeAttempt.failure() != null && !nativeAttempt.quiet()) {
                System.err.println("scratchnet: native BLAS unavailable, using " + JavaBLAS.getInstance().getClass().getName()
                        + ": " + nativeAttempt.failure());
            }
        }
        if (nativeAttempt.blas() == null) {
            return selectJava(true, (nativeAttempt.quiet() ? "" : "native unavailable: ") + nativeAttempt.failure());
        }
        return new Selection(new BlasChoice(true, true, nativeAttempt.description()), nativeAttempt.blas());
    }

    private static Attempt attemptNative(Path cacheRoot) {
        String allow = System.getProperty(BLAS.ALLOW_NATIVE_BLAS);
        if (allow != null && !Boolean.parseBoolean(allow) && !forbadeNative) {
            // netlib's own switch, e.g. in spark.executor.extraJavaOptions: a choice, not a failure.
            initNetlib();
            return new Attempt(null, null, "native disabled by -D" + BLAS.ALLOW_NATIVE_BLAS + "=" + allow, true);
        }
        if (netlibReady) {
            NativeBLAS n = nativeOrNull();
            return n != null ? Attempt.loaded(n, "native BLAS via " + n.getClass().getName() + environment(false))
                    : Attempt.failed("netlib was initialised with native BLAS disabled earlier in this JVM");
        }
        String userPath = System.getProperty(NATIVE_LIB_PATH);
        String userLib = System.getProperty(NATIVE_LIB);
        if (userPath != null || userLib != null) {
            return userLibrary(userPath, userLib);
        }
        if (BundledOpenBlas.mappedLibraryNames().stream().anyMatch(n -> n.startsWith("libnetlibblasjni"))) {
            // Someone used netlib before install: it has bound whatever its default library was.
            initNetlib();
            NativeBLAS n = nativeOrNull();
            return n != null ? Attempt.loaded(n, "native BLAS (netlib's default library: netlib was used before "
                    + "NativeBlas.install) via " + n.getClass().getName() + environment(false))
                    : Attempt.failed("netlib was used before NativeBlas.install, and found no native library");
        }
        Optional<BundledOpenBlas> bundle = BundledOpenBlas.forThisPlatform();
        if (bundle.isEmpty()) {
            initNetlib();
            NativeBLAS n = nativeOrNull();
            return n != null ? Attempt.loaded(n, "native BLAS (netlib's default library; no bundled OpenBLAS for "
                    + BundledOpenBlas.platform() + ") via " + n.getClass().getName() + environment(false))
                    : Attempt.failed("no bundled OpenBLAS for " + BundledOpenBlas.platform()
                    + ", and netlib's default library did not load");
        }
        BundledOpenBlas b = bundle.get();
        Path library;
        try {
            library = b.extractAndLoad(cacheRoot != null ? cacheRoot : BundledOpenBlas.defaultCacheRoot());
        } catch (IOException | RuntimeException | LinkageError e) {
            // Anything that keeps the library from loading means the Java BLAS, never a failed run.
            forbidNative();
            initNetlib();
            return Attempt.failed("bundled OpenBLAS " + b.openblasVersion() + " for " + BundledOpenBlas.platform()
                    + " did not load: " + oneLine(e));
        }
        System.setProperty(NATIVE_LIB_PATH, library.toString());
        initNetlib();
        NativeBLAS n = nativeOrNull();
        if (n == null) {
            return Attempt.failed("netlib's JNI wrapper did not bind " + library);
        }
        return Attempt.loaded(n, "native OpenBLAS " + b.openblasVersion() + " (bytedeco " + b.bytedecoVersion() + ", "
                + library + environment(true) + ") via " + n.getClass().getName());
    }

    /** A library named by the user's netlib properties: checked by loading it first, so a bad path costs one line. */
    private static Attempt userLibrary(String userPath, String userLib) {
        String named = userPath != null ? NATIVE_LIB_PATH + "=" + userPath : NATIVE_LIB + "=" + userLib;
        if (userPath != null) {
            try {
                if (Files.isRegularFile(Path.of(userPath)) && BundledOpenBlas.platform().startsWith("linux-")) {
                    BundledOpenBlas.checkElf(Path.of(userPath));
                }
                System.load(userPath);
            } catch (IOException | UnsatisfiedLinkError | SecurityException | InvalidPathException e) {
                forbidNative();
                initNetlib();
                return Attempt.failed(named + " did not load: " + oneLine(e));
            }
        }
        initNetlib();
        NativeBLAS n = nativeOrNull();
        return n != null ? Attempt.loaded(n, "native BLAS from " + named + environment(false) + " via " + n.getClass().getName())
                : Attempt.failed(named + " did not load");
    }

    /** Unless the user decided otherwise, keeps netlib from probing for a native library of its own. */
    private static void forbidNative() {
        if (System.getProperty(BLAS.ALLOW_NATIVE_BLAS) == null) {
            System.setProperty(BLAS.ALLOW_NATIVE_BLAS, "false");
            forbadeNative = true;
        }
    }

    /** netlib's one-time initialisation; its own "Using ..." log line is left out: the choice says it. */
    private static void initNetlib() {
        Logger netlibLog = Logger.getLogger("dev.ludovic.netlib.blas");
        Level before = netlibLog.getLevel();
        netlibLog.setLevel(Level.WARNING);
        try {
            JavaBLAS.getInstance();
        } finally {
            netlibLog.setLevel(before);
        }
        netlibReady = true;
    }

    private static NativeBLAS nativeOrNull() {
        try {
            return NativeBLAS.getInstance();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The OpenBLAS environment variables in force, for the description. */
    private static String environment(boolean openblas) {
        StringBuilder s = new StringBuilder();
        String threads = System.getenv("OPENBLAS_NUM_THREADS");
        if (threads != null) {
            s.append(", OPENBLAS_NUM_THREADS=").append(threads);
        } else if (openblas) {
            s.append(", OPENBLAS_NUM_THREADS unset: one OpenBLAS thread per core");
        }
        for (String v : new String[] {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"}) {
            String value = System.getenv(v);
            if (value != null) {
                s.append(", ").append(v).append('=').append(value);
            }
        }
        return s.toString();
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        return m.replaceAll("\\s+", " ").trim();
    }

    /** Prints this JVM's choice (and, with {@code OPENBLAS_VERBOSE=2}, OpenBLAS's "Core: ..." line on stderr). */
    public static void main(String[] args) {
        boolean enabled = args.length == 0 || Boolean.parseBoolean(args[0]);
        System.out.println(install(enabled).description());
    }
}
