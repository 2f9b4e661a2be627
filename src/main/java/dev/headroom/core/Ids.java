package dev.headroom.core;

import java.security.SecureRandom;

/** Opaque, URL-safe identifiers with a readable prefix ({@code org_…}, {@code mem_…}). */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".toCharArray();

    private Ids() {}

    public static String newId(String prefix) {
        return prefix + "_" + random(20);
    }

    public static String random(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
