package dev.scratchnet.math;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * The OpenBLAS build that ships inside the application jar (taken at build time from
 * {@code org.bytedeco:openblas}'s platform jar), and its extraction to a private cache folder.
 *
 * <p>Layout in the jar: {@code dev/scratchnet/math/native/openblas.properties} names the bytedeco version
 * and, per platform, the files in load order (dependencies first, {@code libopenblas} last), which sit in
 * {@code dev/scratchnet/math/native/<platform>/}. {@code libopenblas.so.0} finds {@code libgfortran.so.5}
 * beside it ({@code RUNPATH $ORIGIN}), but {@code libgfortran}'s own dependencies ({@code libquadmath},
 * {@code libgcc_s}) are looked up on the system's paths only, and a fresh machine may lack
 * {@code libquadmath}: so the dependencies are loaded first, by absolute path, unless the process already
 * has a library of that name mapped.
 *
 * <p>The cache folder is named by version, platform and a checksum of the files' contents
 * ({@code openblas-0.3.31-1.5.13-linux-x86_64-1a2b3c4d}), so builds never share a folder unless they ship
 * the same bytes. Each file is written to a temporary name in that folder, forced to disk, then renamed
 * atomically: another JVM (two executors starting at once) sees either no file or the whole file, never a
 * half-written library, and a rename over a file another JVM has mapped leaves that mapping intact.
 */
final class BundledOpenBlas {
    private static final String DIR = "dev/scratchnet/math/native/";
    private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

    private final String version;
    private final String platform;
    private final List<String> files;

    private BundledOpenBlas(String version, String platform, List<String> files) {
        this.version = version;
        this.platform = platform;
        this.files = files;
    }

    /** This JVM's platform in bytedeco's naming: {@code linux-x86_64}, {@code linux-arm64}, {@code macosx-arm64}, .... */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return o + "-" + a;
    }

    /** The bundle for this platform, if the jar carries one. */
    static Optional<BundledOpenBlas> forThisPlatform() {
        return forPlatform(platform());
    }

    static Optional<BundledOpenBlas> forPlatform(String platform) {
        URL indexUrl = resource("openblas.properties");
        if (indexUrl == null) {
            return Optional.empty();
        }
        Properties index = new Properties();
        try (InputStream in = indexUrl.openStream()) {
            index.load(in);
        } catch (IOException e) {
            return Optional.empty();
        }
        String names = index.getProperty(platform, "").trim();
        if (names.isEmpty()) {
            return Optional.empty();
        }
        List<String> files = List.of(names.split("\\s+"));
        for (String f : files) {
            if (resource(platform + "/" + f) == null) {
                return Optional.empty();
            }
        }
        return Optional.of(new BundledOpenBlas(index.getProperty("version"), platform, files));
    }

    /** OpenBLAS's own version, e.g. {@code 0.3.31}. */
    String openblasVersion() {
        return version.substring(0, version.lastIndexOf('-'));
    }

    /** The bytedeco presets' version, e.g. {@code 1.5.13}. */
    String bytedecoVersion() {
        return version.substring(version.lastIndexOf('-') + 1);
    }

    List<String> files() {
        return files;
    }

    String libraryName() {
        return files.get(files.size() - 1);
    }

    /**
     * The private cache root: {@code $XDG_CACHE_HOME/scratchnet/native}, else
     * {@code ~/.cache/scratchnet/native}, else {@code <java.io.tmpdir>/scratchnet-native-<user>}: the first
     * that can be created, is owned by this user and is writable.
     */
    static Path defaultCacheRoot() throws IOException {
        List<Path> candidates = new ArrayList<>();
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            candidates.add(Path.of(xdg, "scratchnet", "native"));
        }
        String home = System.getProperty("user.home");
        if (home != null && !home.isEmpty() && !home.equals("?")) {
            candidates.add(Path.of(home, ".cache", "scratchnet", "native"));
        }
        candidates.add(Path.of(System.getProperty("java.io.tmpdir"), "scratchnet-native-" + System.getProperty("user.name")));
        List<String> problems = new ArrayList<>();
        for (Path c : candidates) {
            try {
                createPrivateDirectory(c);
                return c;
            } catch (IOException | SecurityException e) {
                problems.add(c + ": " + e.getMessage());
            }
        }
        throw new IOException("no usable cache folder (" + String.join("; ", problems) + ")");
    }

    /** The folder of this bundle under {@code root}, named by version, platform and content checksum. */
    Path folder(Path root) throws IOException {
        CRC32 key = new CRC32();
        for (String f : files) {
            key.update(f.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            long crc = crc(f);
            for (int i = 0; i < 8; i++) {
                key.update((int) (crc >>> (8 * i)));
            }
        }
        return root.resolve(String.format("openblas-%s-%s-%08x", version, platform, key.getValue()));
    }

    /** Extracts what is missing into {@link #folder}, then loads the files in order; returns libopenblas's path. */
    Path extractAndLoad(Path root) throws IOException {
        Path dir = extract(root);
        load(dir);
        return dir.resolve(libraryName());
    }

    /** Extracts every file not already present with its full size; returns the folder. */
    Path extract(Path root) throws IOException {
        createPrivateDirectory(root);
        Path dir = folder(root);
        createPrivateDirectory(dir);
        for (String f : files) {
            Path target = dir.resolve(f);
            URLConnection c = connection(f);
            long size = c.getContentLengthLong();
            if (Files.isRegularFile(target) && Files.size(target) == size) {
                continue;
            }
            Path tmp = Files.createTempFile(dir, "." + f + ".", ".part");
            try {
                try (InputStream in = c.getInputStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                if (Files.size(tmp) != size) {
                    throw new IOException("extracting " + f + ": wrote " + Files.size(tmp) + " of " + size + " bytes");
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        return dir;
    }

    /** Loads the dependencies this process lacks, then libopenblas, from {@code dir}. */
    void load(Path dir) throws IOException {
        Set<String> mapped = mappedLibraryNames();
        for (int i = 0; i < files.size(); i++) {
            Path f = dir.resolve(files.get(i));
            if (i == files.size() - 1 || !mapped.contains(files.get(i))) {
                checkElf(f);
                System.load(f.toString());
            }
        }
    }

    /**
     * Fails with a plain message unless {@code file} starts like a 64-bit ELF object for this machine: the JVM
     * itself would print a two-line stack-guard warning before refusing a file it cannot parse.
     */
    static void checkElf(Path file) throws IOException {
        checkElf(file, platform());
    }

    /** As {@link #checkElf(Path)}, for the given platform ({@code linux-x86_64}, {@code linux-arm64}). */
    static void checkElf(Path file, String platform) throws IOException {
        byte[] h = new byte[20];
        try (InputStream in = Files.newInputStream(file)) {
            if (in.readNBytes(h, 0, h.length) < h.length) {
                throw new IOException(file + ": too short for a shared library");
            }
        }
        if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F' || h[4] != 2) {
            throw new IOException(file + ": not a 64-bit ELF shared library");
        }
        int machine = h[5] == 1 ? (h[18] & 0xff) | (h[19] & 0xff) << 8 : (h[19] & 0xff) | (h[18] & 0xff) << 8;
        int expected = switch (platform.substring(platform.indexOf('-') + 1)) {
            case "x86_64" -> 62;
            case "arm64" -> 183;
            default -> machine;
        };
        if (machine != expected) {
            throw new IOException(file + ": built for ELF machine " + machine + ", this is " + platform);
        }
    }

    /** File names of the shared objects mapped into this process (Linux: /proc/self/maps; else empty). */
    static Set<String> mappedLibraryNames() {
        Set<String> names = new HashSet<>();
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return names;
        }
        try {
            for (String line : Files.readAllLines(maps)) {
                int slash = line.lastIndexOf('/');
                if (slash >= 0) {
                    names.add(line.substring(slash + 1).trim());
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return names;
        }
        return names;
    }

    private long crc(String f) throws IOException {
        URLConnection c = connection(f);
        if (c instanceof JarURLConnection jar && jar.getJarEntry().getCrc() != -1) {
            return jar.getJarEntry().getCrc();
        }
        CRC32 crc = new CRC32();
        try (InputStream in = c.getInputStream()) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                crc.update(buf, 0, n);
            }
        }
        return crc.getValue();
    }

    private URLConnection connection(String f) throws IOException {
        URL url = resource(platform + "/" + f);
        if (url == null) {
            throw new IOException("missing resource " + DIR + platform + "/" + f);
        }
        return url.openConnection();
    }

    private static URL resource(String name) {
        ClassLoader loader = BundledOpenBlas.class.getClassLoader();
        return loader != null ? loader.getResource(DIR + name) : ClassLoader.getSystemResource(DIR + name);
    }

    /**
     * Creates {@code dir} (and parents) if missing; on POSIX file systems it must be owned by this user, and
     * is made {@code rwx------}, so no other user can plant a library in it.
     */
    private static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new IOException("not a writable folder");
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            String owner = Files.getOwner(dir).getName();
            String me = System.getProperty("user.name");
            if (!owner.equals(me)) {
                throw new IOException("owned by " + owner + ", not " + me);
            }
            if (!Files.getPosixFilePermissions(dir).equals(PRIVATE)) {
                Files.setPosixFilePermissions(dir, PRIVATE);
            }
        }
    }
}
