package dev.headroom.core.web;

import dev.headroom.core.ApiException;

/** The {@code include} query parameter of a list: absent, or the one word the list takes. */
public final class Include {
    private Include() {}

    /** Whether {@code value} asks for {@code word}; 400 for any other value. */
    public static boolean of(String value, String word) {
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (!value.equals(word)) {
            throw ApiException.validation(
                    "include takes '" + word + "' or nothing; got '" + value + "'.");
        }
        return true;
    }
}
