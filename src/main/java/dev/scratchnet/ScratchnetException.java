package dev.scratchnet;

/**
 * A user-facing failure: bad input, a bad setting, a file that is not what it should be.
 *
 * <p>The message is one line that names the file or setting and what is wrong with it. The entry point
 * prints it as {@code scratchnet: <message>} and exits non-zero, without a stack trace.
 */
public class ScratchnetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScratchnetException(String message) {
        super(message);
    }

    public ScratchnetException(String message, Throwable cause) {
        super(message, cause);
    }
}
