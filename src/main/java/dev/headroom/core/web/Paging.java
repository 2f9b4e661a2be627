package dev.headroom.core.web;

import dev.headroom.core.ApiException;

/** A checked page request: {@code page} from 0, {@code size} from 1 to 500. */
public record Paging(int page, int size) {
    public static final int MAX_SIZE = 500;

    public static Paging of(int page, int size) {
        if (page < 0) {
            throw ApiException.validation("page must be 0 or more, got " + page + ".");
        }
        if (size < 1 || size > MAX_SIZE) {
            throw ApiException.validation(
                    "size must be between 1 and " + MAX_SIZE + ", got " + size + ".");
        }
        return new Paging(page, size);
    }

    public int offset() {
        return Math.multiplyExact(page, size);
    }
}
