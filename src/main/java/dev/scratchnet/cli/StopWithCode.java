package dev.scratchnet.cli;

import dev.scratchnet.ScratchnetException;

/** A run that ends with one line and an exit code of its own (an interrupt: 130, 143). */
final class StopWithCode extends ScratchnetException {
    private static final long serialVersionUID = 1L;
    private final int code;

    StopWithCode(String message, int code, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    int code() {
        return code;
    }
}
