package dev.headroom.core;

import java.util.regex.Pattern;

/**
 * The rules for text a caller names things with (EX-9): no control characters, and emails of the
 * shape {@code local@label.label} with one {@code @} and non-empty dotted labels.
 */
public final class Text {
    private static final Pattern EMAIL =
            Pattern.compile("[^@\\s]{1,64}@(?=[^@\\s]{1,255}$)(?:[^@\\s.]+\\.)+[^@\\s.]+");

    private Text() {}

    /** True when {@code text} holds a control character (C0, DEL, C1, line or paragraph break). */
    public static boolean hasControl(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }

    /**
     * A name of 1 to {@code maxLength} characters, trimmed; 400 {@code VALIDATION_FAILED} when it
     * is missing, too long or holds a control character.
     */
    public static String requireName(String field, String value, int maxLength) {
        if (value == null || value.isBlank() || value.length() > maxLength) {
            throw ApiException.validation(
                    field + " is required (1 to " + maxLength + " characters).");
        }
        if (hasControl(value)) {
            throw ApiException.validation(field + " must not contain control characters.");
        }
        return value.trim();
    }

    /** True for an email address: one {@code @}, and a domain of non-empty dotted labels. */
    public static boolean isEmail(String text) {
        return text != null && !hasControl(text) && EMAIL.matcher(text).matches();
    }
}
