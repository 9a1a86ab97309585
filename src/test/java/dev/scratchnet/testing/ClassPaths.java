package dev.scratchnet.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/** The class path of this JVM, for compilers that tests run (javac, the Scala interpreter). */
public final class ClassPaths {
    private ClassPaths() {}

    /**
     * The entries of {@code java.class.path}, each jar's manifest {@code Class-Path} expanded: surefire may
     * pass the whole class path as one manifest-only jar.
     */
    public static List<String> ofThisJvm() throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            entries.add(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(Path.of(entry))) {
                try (JarFile jar = new JarFile(entry)) {
                    Manifest manifest = jar.getManifest();
                    String more = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
                    if (more != null) {
                        URI base = Path.of(entry).toAbsolutePath().toUri();
                        for (String url : more.trim().split("\\s+")) {
                            Path p = Path.of(base.resolve(url)); // relative to the jar, as the JAR spec says
                            if (Files.exists(p)) {
                                entries.add(p.toString());
                            }
                        }
                    }
                }
            }
        }
        return entries;
    }

    /** {@link #ofThisJvm()} joined with the platform's separator. */
    public static String joined() throws IOException {
        return String.join(File.pathSeparator, ofThisJvm());
    }
}
