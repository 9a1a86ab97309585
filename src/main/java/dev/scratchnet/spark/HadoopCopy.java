package dev.scratchnet.spark;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.report.RemoteCopy;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * An output folder on a Hadoop file system ({@code hdfs://}, {@code s3a://}, …), for a driver whose local disk
 * does not outlive it (cluster deploy mode). The run writes into a local staging folder, as it would locally;
 * {@link #sync} publishes what changed.
 *
 * <p>A file replaces its previous version atomically where the file system can rename atomically (HDFS and
 * other hierarchical file systems: the upload goes to a temp name, then a rename with overwrite). Object stores
 * ({@code s3a}, {@code gs}, {@code abfs}, {@code wasb}, {@code oss}) cannot rename atomically, so the file is
 * written under its own name: the store makes a completed upload visible at once, so a reader still sees the old
 * file or the new one, never a part; what is lost is only the ordering guarantee between two files if the driver
 * dies between them.
 *
 * <p>The folder is reserved for one run by {@code _scratchnet.lock}, refreshed every 20 s; a lock not refreshed
 * for 90 s (by the file system's own clock) is stale, so a killed run does not block the folder for long.
 */
public final class HadoopCopy implements RemoteCopy {
    private static final Set<String> OBJECT_STORES = Set.of("s3a", "s3", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs",
            "oss", "cosn", "obs");
    static final String LOCK = "_scratchnet.lock";
    private static final long HEARTBEAT_MILLIS = 20_000;
    private static final long STALE_MILLIS = 90_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FileSystem fs;
    private final Configuration conf;
    private final Path destination;
    private final java.nio.file.Path staging;
    private final String what;
    private final Map<String, String> published = new HashMap<>();
    private final Thread heartbeat;
    private final String holder = holder();
    private volatile boolean closed;

    private HadoopCopy(FileSystem fs, Configuration conf, Path destination, java.nio.file.Path staging, String what) {
        this.fs = fs;
        this.conf = conf;
        this.destination = destination;
        this.staging = staging;
        this.what = what;
        this.heartbeat = new Thread(this::beat, "scratchnet-lock-heartbeat");
        heartbeat.setDaemon(true);
    }

    /** Whether {@code location} names a Hadoop file system other than the local one (a URI with a scheme). */
    public static boolean isRemote(String location) {
        int colon = location.indexOf(':');
        if (colon < 2 || !location.substring(0, colon).matches("[a-zA-Z][a-zA-Z0-9+.-]*")) {
            return false;
        }
        return !location.substring(0, colon).equalsIgnoreCase("file");
    }

    /**
     * Creates {@code location} if needed, reserves it for this run and opens a local staging folder for it.
     *
     * @param what names the folder in errors, e.g. "output folder (spark.scratchnet.out)"
     * @throws ScratchnetException when the folder cannot be created or written, or another run holds it
     */
    public static HadoopCopy open(String location, Configuration conf, String what) {
        try {
            Path path = new Path(location);
            FileSystem fs = path.getFileSystem(conf);
            Path dest = fs.makeQualified(path);
            if (fs.exists(dest) && !fs.getFileStatus(dest).isDirectory()) {
                throw new ScratchnetException(what + " " + dest + " exists and is not a folder");
            }
            fs.mkdirs(dest);
            java.nio.file.Path staging = Files.createTempDirectory("scratchnet-staging-");
            HadoopCopy copy = new HadoopCopy(fs, conf, dest, staging, what);
            copy.lock();
            copy.heartbeat.start();
            return copy;
        } catch (IOException | IllegalArgumentException e) {
            throw new ScratchnetException(what + " " + location + ": " + AtomicFiles.oneLine(e), e);
        }
    }

    /** The local folder the run writes into. */
    public java.nio.file.Path staging() {
        return staging;
    }

    @Override
    public String destination() {
        return destination.toString();
    }

    /**
     * Copies the files of the destination's sub-folder {@code relative} (e.g. {@code checkpoint}; empty: the
     * destination itself) into the staging folder, for a resume.
     */
    public void download(String relative) {
        Path from = relative.isEmpty() ? destination : new Path(destination, relative);
        try {
            if (!fs.exists(from)) {
                return;
            }
            for (FileStatus f : fs.listStatus(from)) {
                String name = f.getPath().getName();
                if (f.isFile() && !name.startsWith(".") && !name.equals(LOCK)) {
                    java.nio.file.Path to = staging.resolve(relative).resolve(name);
                    Files.createDirectories(to.getParent());
                    try (InputStream in = fs.open(f.getPath())) {
                        Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                    published.put(relative.isEmpty() ? name : relative + "/" + name, fingerprint(to));
                }
            }
        } catch (IOException e) {
            throw new ScratchnetException(what + " " + from + ": cannot read: " + AtomicFiles.oneLine(e), e);
        }
    }

    @Override
    public synchronized void sync() {
        List<String> local = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(staging)) {
            files.filter(Files::isRegularFile)
                    .map(p -> staging.relativize(p).toString().replace('\\', '/'))
                    .filter(name -> !name.substring(name.lastIndexOf('/') + 1).startsWith("."))
                    .forEach(local::add);
        } catch (IOException e) {
            throw new ScratchnetException("staging folder " + staging + ": " + AtomicFiles.oneLine(e), e);
        }
        local.sort(Comparator.comparingInt(HadoopCopy::order).thenComparing(Comparator.naturalOrder()));
        for (String name : local) {
            String print = fingerprint(staging.resolve(name));
            if (!print.equals(published.get(name))) {
                upload(name);
                published.put(name, print);
            }
        }
        for (String name : new ArrayList<>(published.keySet())) {
            if (!local.contains(name)) {
                try {
                    fs.delete(new Path(destination, name), false);
                } catch (IOException e) {
                    throw new ScratchnetException(what + " " + destination + ": cannot remove " + name + ": "
                            + AtomicFiles.oneLine(e), e);
                }
                published.remove(name);
            }
        }
    }

    /** Weights and state first, the files that name them last. */
    private static int order(String name) {
        if (name.endsWith(".npz")) {
            return 0;
        }
        return name.endsWith("checkpoint.json") || name.endsWith("summary.json") ? 2 : 1;
    }

    private static String fingerprint(java.nio.file.Path file) {
        try {
            return Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis() + ":"
                    + Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            throw new ScratchnetException("staging file " + file + ": " + AtomicFiles.oneLine(e), e);
        }
    }

    private void upload(String name) {
        Path target = new Path(destination, name);
        boolean objectStore = OBJECT_STORES.contains(destination.toUri().getScheme().toLowerCase(Locale.ROOT));
        Path tmp = objectStore ? target : new Path(target.getParent(), "." + target.getName() + ".tmp-"
                + HexFormat.of().formatHex(randomBytes()));
        try {
            fs.mkdirs(target.getParent());
            try (InputStream in = Files.newInputStream(staging.resolve(name));
                 FSDataOutputStream out = fs.create(tmp, true)) {
                in.transferTo(out);
            }
            if (!objectStore) {
                FileContext.getFileContext(destination.toUri(), conf).rename(tmp, target, Options.Rename.OVERWRITE);
            }
        } catch (IOException e) {
            try {
                if (!objectStore) {
                    fs.delete(tmp, false);
                }
            } catch (IOException ignored) {
                // the upload already failed; that is the error to report
            }
            throw new ScratchnetException("cannot write " + target + ": " + AtomicFiles.oneLine(e), e);
        }
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return b;
    }

    // ---- the lock -----------------------------------------------------------------------------------------

    private void lock() throws IOException {
        Path lock = new Path(destination, LOCK);
        if (fs.exists(lock)) {
            FileStatus status = fs.getFileStatus(lock);
            long age = fileSystemNow() - status.getModificationTime();
            if (age < STALE_MILLIS) {
                String holder;
                try (InputStream in = fs.open(lock)) {
                    holder = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
                }
                throw new ScratchnetException(what + " " + destination + " is in use by another run: " + holder
                        + " (lock " + lock + ", refreshed " + age / 1000 + " s ago; stale after " + STALE_MILLIS / 1000 + " s)");
            }
            fs.delete(lock, false);
        }
        try (OutputStream out = fs.create(lock, false)) {
            out.write(holder.getBytes(StandardCharsets.UTF_8));
        } catch (FileAlreadyExistsException e) {
            throw new ScratchnetException(what + " " + destination + " is in use by another run that started just now"
                    + " (lock " + lock + ")", e);
        }
    }

    /** The file system's clock, read from the modification time of a file written now. */
    private long fileSystemNow() throws IOException {
        Path probe = new Path(destination, "." + LOCK + ".clock-" + HexFormat.of().formatHex(randomBytes()));
        try (OutputStream out = fs.create(probe, true)) {
            out.write(0);
        }
        try {
            return fs.getFileStatus(probe).getModificationTime();
        } finally {
            fs.delete(probe, false);
        }
    }

    private static String holder() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return "pid " + ProcessHandle.current().pid() + " on host " + host + ", started " + Instant.now();
    }

    private void beat() {
        while (!closed) {
            try {
                Thread.sleep(HEARTBEAT_MILLIS);
                if (!closed) {
                    try (OutputStream out = fs.create(new Path(destination, LOCK), true)) {
                        out.write(holder.getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                // A missed heartbeat only shortens the time another run has to wait.
            }
        }
    }

    /** Releases the lock and deletes the staging folder; the published files stay. */
    @Override
    public void close() {
        closed = true;
        heartbeat.interrupt();
        try {
            fs.delete(new Path(destination, LOCK), false);
        } catch (IOException e) {
            // Stale after STALE_MILLIS anyway.
        }
        try (Stream<java.nio.file.Path> files = Files.walk(staging)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temp folder left behind; the OS cleans its temp space.
        }
    }
}
