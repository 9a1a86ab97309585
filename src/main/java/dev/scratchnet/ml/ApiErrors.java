package dev.scratchnet.ml;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Setting;
import dev.scratchnet.registry.Settings;
import java.util.Comparator;
import java.util.List;

/**
 * The API's side of scratchnet's one-line errors: what the command line prints as {@code scratchnet: …} and
 * exits 2 for, a Spark ML user gets as an {@link IllegalArgumentException} with the same message, also when it
 * happened in a task and reached the driver wrapped in Spark's job failure — naming Params ({@code batchSize}), as
 * MLlib's messages do, where the command line names conf keys ({@code spark.scratchnet.batchSize}).
 */
final class ApiErrors {
    /** Longest keys first, so that no key is replaced inside a longer one. */
    private static final List<Setting<?>> BY_KEY_LENGTH = Settings.ALL.stream()
            .sorted(Comparator.comparingInt((Setting<?> s) -> s.key().length()).reversed()).toList();

    private ApiErrors() {}

    /** {@code e} as the API throws it: an IllegalArgumentException for a user mistake found anywhere in its causes. */
    static RuntimeException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ScratchnetException s) {
                return new IllegalArgumentException(paramNames(s.getMessage()), e);
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    /** {@code message} with every conf key replaced by its Param's name. */
    static String paramNames(String message) {
        String m = message;
        for (Setting<?> s : BY_KEY_LENGTH) {
            m = m.replace(s.key(), s.paramName());
        }
        return m;
    }
}
