package dev.scratchnet.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code blocking:}, whose files can be listed and stat'ed but whose reads
 * wait until the reading thread is interrupted: a data source that is still being read whenever a test looks.
 * Register it with {@code spark.hadoop.fs.blocking.impl}.
 */
public final class BlockingFileSystem extends RawLocalFileSystem {
    private static final AtomicInteger WAITING = new AtomicInteger();

    /** How many reads are waiting now. */
    public static int waiting() {
        return WAITING.get();
    }

    /** {@code path} (a local path) under this scheme. */
    public static String uri(java.nio.file.Path path) {
        return "blocking://" + path.toAbsolutePath();
    }

    @Override
    public URI getUri() {
        return URI.create("blocking:///");
    }

    @Override
    public String getScheme() {
        return "blocking";
    }

    @Override
    public FSDataInputStream open(Path f, int bufferSize) throws IOException {
        FSDataInputStream local = super.open(f, bufferSize);
        return new FSDataInputStream(new FSInputStream() {
            @Override
            public int read() throws IOException {
                block();
                return local.read();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                block();
                return local.read(b, off, len);
            }

            @Override
            public void seek(long pos) throws IOException {
                local.seek(pos);
            }

            @Override
            public long getPos() throws IOException {
                return local.getPos();
            }

            @Override
            public boolean seekToNewSource(long targetPos) {
                return false;
            }

            @Override
            public void close() throws IOException {
                local.close();
            }
        });
    }

    private static void block() throws InterruptedIOException {
        WAITING.incrementAndGet();
        try {
            Object never = new Object();
            synchronized (never) {
                while (true) {
                    never.wait();
                }
            }
        } catch (InterruptedException e) {
            throw new InterruptedIOException("read interrupted");
        } finally {
            WAITING.decrementAndGet();
        }
    }
}
