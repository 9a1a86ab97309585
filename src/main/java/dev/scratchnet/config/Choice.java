package dev.scratchnet.config;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A closed choice a setting can take, implemented by enums: {@link #id()} is what users write in a conf file
 * and what is printed back, so every choice has one parse ({@link #parse}) and one format.
 */
public interface Choice {
    /** The name users write, e.g. {@code momentum}. */
    String id();

    /** The constant of {@code type} whose id is {@code text} (any case, trimmed). */
    static <E extends Enum<E> & Choice> E parse(Class<E> type, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.id().equalsIgnoreCase(text.trim())) {
                return e;
            }
        }
        throw new IllegalArgumentException("'" + text.trim() + "' is not one of " + ids(type));
    }

    /** The ids of {@code type}'s constants, e.g. {@code relu | sigmoid}. */
    static <E extends Enum<E> & Choice> String ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Choice::id).collect(Collectors.joining(" | "));
    }
}
