package dev.headroom.gateway.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.Charset;
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

    private final InputStream in;
    private final BeforeWaiting beforeWaiting;
    private final byte[] buffer = new byte[8192];
    private int at;
    private int end;
    // A line ended by '\r': a '\n' right after it belongs to the same line end.
    private boolean afterCr;
    private final Line line = new Line();
    private final ByteArrayOutputStream event = new ByteArrayOutputStream(512);
    private final ByteArrayOutputStream data = new ByteArrayOutputStream(256);
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
        event.reset();
        data.reset();
        name = null;
        while (readLine()) {
            if (event.size() + line.length >= EVENT_BYTES_MAX) {
                throw tooLong();
            }
            event.write(line.bytes, 0, line.length);
            event.write('\n');
            if (line.length == 0) {
                return true;
            }
            if (line.startsWith(EVENT)) {
                name = line.trimmedFrom(EVENT.length, StandardCharsets.UTF_8);
            } else if (line.startsWith(DATA)) {
                line.writeTrimmedFrom(DATA.length, data);
            }
        }
        return false;
    }

    /** The event's name, or {@code null} if it had none. */
    String name() {
        return name;
    }

    /** The values of the event's data lines, each trimmed, joined (as UTF-8). */
    byte[] data() {
        return data.toByteArray();
    }

    boolean hasData() {
        return data.size() > 0;
    }

    /** Whether anything was read since the last whole event. */
    boolean held() {
        return event.size() > 0;
    }

    /** Writes the event's lines (or what is held of one) as read. */
    void writeTo(OutputStream out) throws IOException {
        event.writeTo(out);
    }

    /**
     * The next line into {@link #line}, without its end; {@code false} at the end of the stream.
     */
    private boolean readLine() throws IOException {
        line.length = 0;
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
            if (line.length + at - start >= EVENT_BYTES_MAX) {
                throw tooLong();
            }
            line.append(buffer, start, at - start);
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

    /** A line's bytes, in an array that grows as long lines need and is reused. */
    private static final class Line {
        private byte[] bytes = new byte[256];
        private int length;

        void append(byte[] from, int offset, int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + count));
            }
            System.arraycopy(from, offset, bytes, length, count);
            length += count;
        }

        boolean startsWith(byte[] prefix) {
            return length >= prefix.length
                    && Arrays.equals(bytes, 0, prefix.length, prefix, 0, prefix.length);
        }

        String trimmedFrom(int offset, Charset charset) {
            int[] range = trimmed(offset);
            return new String(bytes, range[0], range[1] - range[0], charset);
        }

        void writeTrimmedFrom(int offset, ByteArrayOutputStream to) {
            int[] range = trimmed(offset);
            to.write(bytes, range[0], range[1] - range[0]);
        }

        /** As {@link String#trim()}: what is at or below a space goes at both ends. */
        private int[] trimmed(int offset) {
            int from = offset;
            int to = length;
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
