package dev.scratchnet.ml;

import dev.scratchnet.ScratchnetException;

/**
 * The API's side of scratchnet's one-line errors: what the command line prints as {@code scratchnet: …} and
 * exits 2 for, a Spark ML user gets as an {@link IllegalArgumentException} with the same message, also when it
 * happened in a task and reached the driver wrapped in Spark's job failure.
 */
final class ApiErrors {
    private ApiErrors() {}

    /** {@code e} as the API throws it: an IllegalArgumentException for a user mistake found anywhere in its causes. */
    static RuntimeException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ScratchnetException s) {
                return new IllegalArgumentException(s.getMessage(), e);
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }
}
