package dev.scratchnet.ml;

/**
 * Spark ML's Params are created in the constructors of Spark's own base classes, and each asks for its owner's
 * {@code uid()} before a Java subclass's constructor body could have set its field: Scala assigns a constructor
 * {@code val} before it calls the super constructor, Java 17 cannot. So a constructor that is given a uid parks it
 * here, for this thread, while it evaluates the argument of its {@code this(...)} call; {@code uid()} answers from
 * here until the constructor body {@link #take}s it into the field.
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

    /** The parked uid, no longer parked: for the constructor's field. */
    static String take() {
        String uid = PENDING.get();
        PENDING.remove();
        return uid;
    }
}
