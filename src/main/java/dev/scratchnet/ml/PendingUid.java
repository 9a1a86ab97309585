package dev.scratchnet.ml;

/**
 * Spark ML's Params are created in the constructors of Spark's own base classes, and each asks for its owner's
 * {@code uid()}, before a Java subclass's constructor body could have set it (Scala classes set a constructor
 * {@code val} before calling the super constructor; Java cannot). A constructor therefore parks the uid here,
 * for this thread, in an argument of its {@code this(...)} call, and {@code uid()} takes it from here until its
 * field is set.
 */
final class PendingUid {
    private static final ThreadLocal<String> PENDING = new ThreadLocal<>();

    private PendingUid() {}

    /** Parks {@code uid} for the constructor about to run on this thread; returns a token for its signature. */
    static PendingUid park(String uid) {
        if (uid == null || uid.isEmpty()) {
            throw new IllegalArgumentException("uid must not be empty");
        }
        PENDING.set(uid);
        return null;
    }

    /** The uid parked on this thread (during construction), or null. */
    static String parked() {
        return PENDING.get();
    }

    /** Forgets the parked uid once the constructor has its field. */
    static void clear() {
        PENDING.remove();
    }
}
