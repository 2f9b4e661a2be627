package dev.headroom.gateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An upstream's server-sent events, read as bytes one event at a time and relayed as they were sent
 * (lines ended by {@code \n}, whichever of the three line ends the upstream used). Only the event's
 * name and its data are decoded, and the data only when asked for: a long answer is hundreds of
 * events, each of which went through a decoder, a line {@code String} and an encoder before.
 */
final class SseEvents {
    private static final byte[] EVENT = "event:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    // An event longer than this is an upstream gone wrong, dropped like a lost connection, rather
    // than held in memory without end. The API's events are small: long content comes in deltas.
    static final int EVENT_BYTES_MAX = 32 * 1024 * 1024;

    /** What to do before the reader waits for the upstream: the relay flushes what it wrote. */
    interface BeforeWaiting {
        void run() throws IOException;
    }

    // The names of the Messages API's events, so that reading one makes no string.
    private static final String[] NAMES = {
        "content_block_delta",
        "ping",
        "message_start",
        "content_block_start",
        "content_block_stop",
        "message_delta",
        "message_stop",
        "error"
    };
    private static final byte[][] NAME_BYTES = new byte[NAMES.length][];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            NAME_BYTES[i] = NAMES[i].getBytes(StandardCharsets.US_ASCII);
        }
    }

    private final InputStream in;
    private final BeforeWaiting beforeWaiting;
    private final byte[] buffer = new byte[8192];
    private int at;
    private int end;
    // A line ended by '\r': a '\n' right after it belongs to the same line end.
    private boolean afterCr;
    // The event's lines as they will be relayed, each ended by '\n'; its lines are read straight
    // into it (one copy of a byte, where a line buffer and then the event made two).
    private final Bytes event = new Bytes(512);
    private final Bytes data = new Bytes(256);
    private String name;

    SseEvents(InputStream in) {
        this(in, () -> {});
    }

    /**
     * {@code beforeWaiting} runs whenever the next read would wait for more of the stream: events
     * that arrived together go out in one flush, and none waits for the upstream's next bytes.
     */
    SseEvents(InputStream in, BeforeWaiting beforeWaiting) {
        this.in = in;
        this.beforeWaiting = beforeWaiting;
    }

    /**
     * Reads up to the end of the next event; {@code true} when it is whole (ended by an empty
     * line), {@code false} at the end of the stream, with what came after the last whole event (if
     * anything) still held, to be relayed as it is.
     */
    boolean next() throws IOException {
        event.length = 0;
        data.length = 0;
        name = null;
        while (true) {
            int lineStart = event.length;
            if (!readLine()) {
                return false;
            }
            int lineEnd = event.length;
            event.append((byte) '\n');
            if (lineEnd == lineStart) {
                return true;
            }
            if (event.startsWith(lineStart, lineEnd, EVENT)) {
                name = nameOf(lineStart + EVENT.length, lineEnd);
            } else if (event.startsWith(lineStart, lineEnd, DATA)) {
                int[] range = event.trimmed(lineStart + DATA.length, lineEnd);
                data.append(event.bytes, range[0], range[1] - range[0]);
            }
        }
    }

    /** The event's name, or {@code null} if it had none. */
    String name() {
        return name;
    }

    /** The values of the event's data lines, each trimmed, joined (as UTF-8). */
    byte[] data() {
        return Arrays.copyOf(data.bytes, data.length);
    }

    boolean hasData() {
        return data.length > 0;
    }

    /** Whether anything was read since the last whole event. */
    boolean held() {
        return event.length > 0;
    }

    /** Writes the event's lines (or what is held of one) as read. */
    void writeTo(OutputStream out) throws IOException {
        out.write(event.bytes, 0, event.length);
    }

    private String nameOf(int from, int to) {
        int[] range = event.trimmed(from, to);
        int length = range[1] - range[0];
        for (int i = 0; i < NAMES.length; i++) {
            byte[] known = NAME_BYTES[i];
            if (known.length == length
                    && Arrays.equals(event.bytes, range[0], range[1], known, 0, length)) {
                return NAMES[i];
            }
        }
        return new String(event.bytes, range[0], length, StandardCharsets.UTF_8);
    }

    /**
     * The next line appended to {@link #event}, without its end; {@code false} at the end of the
     * stream with nothing of a line read.
     */
    private boolean readLine() throws IOException {
        boolean any = false;
        while (true) {
            if (at == end) {
                if (in.available() == 0) {
                    beforeWaiting.run();
                }
                int read = in.read(buffer, 0, buffer.length);
                if (read < 0) {
                    return any;
                }
                at = 0;
                end = read;
                continue;
            }
            if (afterCr) {
                afterCr = false;
                if (buffer[at] == '\n') {
                    at++;
                    continue;
                }
            }
            int start = at;
            while (at < end && buffer[at] != '\n' && buffer[at] != '\r') {
                at++;
            }
            if (event.length + at - start >= EVENT_BYTES_MAX) {
                throw tooLong();
            }
            event.append(buffer, start, at - start);
            any = true;
            if (at < end) {
                afterCr = buffer[at] == '\r';
                at++;
                return true;
            }
        }
    }

    private static IOException tooLong() {
        return new IOException(
                "An event of the stream is longer than " + EVENT_BYTES_MAX + " bytes.");
    }

    /** Bytes in an array that grows as long events need and is reused. */
    private static final class Bytes {
        private byte[] bytes;
        private int length;

        Bytes(int capacity) {
            bytes = new byte[capacity];
        }

        void append(byte b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = b;
        }

        void append(byte[] from, int offset, int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
            }
            System.arraycopy(from, offset, bytes, length, count);
            length += count;
        }

        boolean startsWith(int from, int to, byte[] prefix) {
            return to - from >= prefix.length
                    && Arrays.equals(bytes, from, from + prefix.length, prefix, 0, prefix.length);
        }

        /** As {@link String#trim()}: what is at or below a space goes at both ends. */
        int[] trimmed(int from, int to) {
            while (from < to && (bytes[from] & 0xff) <= ' ') {
                from++;
            }
            while (to > from && (bytes[to - 1] & 0xff) <= ' ') {
                to--;
            }
            return new int[] {from, to};
        }
    }
}
