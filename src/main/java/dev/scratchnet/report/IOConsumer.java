package dev.scratchnet.report;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}: the body that fills an output stream in
 * {@link AtomicFiles#write}.
 *
 * @param <T> what it consumes
 */
@FunctionalInterface
public interface IOConsumer<T> {
    /** Consumes {@code t}. */
    void accept(T t) throws IOException;
}
