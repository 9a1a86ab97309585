package dev.scratchnet.run;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.training.TrainingState;
import java.util.Locale;

/**
 * A run stopped at a step boundary because it was asked to (Ctrl-C, SIGTERM), after its state was checkpointed.
 * The front end says where the run stands and how to continue; the message says where it stopped.
 */
public final class RunInterrupted extends ScratchnetException {
    private static final long serialVersionUID = 1L;
    private final long globalStep;

    RunInterrupted(TrainingState state) {
        super(String.format(Locale.ROOT, "interrupted at epoch %d step %d (global step %d)", state.epoch() + 1,
                state.stepInEpoch(), state.globalStep()));
        this.globalStep = state.globalStep();
    }

    /** Steps done when the run stopped. */
    public long globalStep() {
        return globalStep;
    }
}
