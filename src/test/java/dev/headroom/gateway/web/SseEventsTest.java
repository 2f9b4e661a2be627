package dev.headroom.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EX-4: a stream is relayed event by event as the upstream sent it, its usage events read. */
class SseEventsTest {
    /** Each whole event: name, data, the bytes relayed; then what was held at the end, if any. */
    private record Read(List<String> events, String heldAtEnd) {}

    private static Read read(InputStream in) throws IOException {
        SseEvents events = new SseEvents(in);
        List<String> whole = new ArrayList<>();
        while (events.next()) {
            ByteArrayOutputStream relayed = new ByteArrayOutputStream();
            events.writeTo(relayed);
            whole.add(
                    events.name()
                            + " | "
                            + new String(events.data(), StandardCharsets.UTF_8)
                            + " | "
                            + relayed.toString(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        events.writeTo(rest);
        return new Read(whole, events.held() ? rest.toString(StandardCharsets.UTF_8) : null);
    }

    private static Read read(String stream) throws IOException {
        return read(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void EX4_eachEventIsReadWholeWithItsNameAndTrimmedData() throws IOException {
        Read read =
                read(
                        "event: message_start\ndata: {\"a\":1}\n\n"
                                + "event: ping\ndata:{\"type\": \"ping\"}  \n\n"
                                + ": a comment\nevent:message_delta\ndata:  {\"b\":\ndata: 2}\n\n");

        assertThat(read.events())
                .containsExactly(
                        "message_start | {\"a\":1} | event: message_start\ndata: {\"a\":1}\n\n",
                        "ping | {\"type\": \"ping\"} | event: ping\ndata:{\"type\": \"ping\"}  \n\n",
                        "message_delta | {\"b\":2} | : a comment\nevent:message_delta\ndata:  {\"b\":\ndata: 2}\n\n");
        assertThat(read.heldAtEnd()).isNull();
    }

    @Test
    void EX4_everyLineEndOfTheFormatIsReadAndRelayedAsANewline() throws IOException {
        Read read = read("event: a\r\ndata: 1\r\n\r\nevent: b\rdata: 2\r\revent: c\ndata: 3\n\n");

        assertThat(read.events())
                .containsExactly(
                        "a | 1 | event: a\ndata: 1\n\n",
                        "b | 2 | event: b\ndata: 2\n\n",
                        "c | 3 | event: c\ndata: 3\n\n");
    }

    @Test
    void EX4_anEventArrivingAByteAtATimeIsTheSameEventAndUtf8SurvivesTheSplits()
            throws IOException {
        byte[] stream =
                "event: content_block_delta\r\ndata: {\"text\":\"Grüße — 🙂\"}\r\n\r\n"
                        .getBytes(StandardCharsets.UTF_8);
        InputStream trickle =
                new ByteArrayInputStream(stream) {
                    @Override
                    public synchronized int read(byte[] b, int off, int len) {
                        return super.read(b, off, Math.min(len, 1));
                    }
                };

        assertThat(read(trickle).events())
                .containsExactly(
                        "content_block_delta | {\"text\":\"Grüße — 🙂\"} | event: content_block_delta\n"
                                + "data: {\"text\":\"Grüße — 🙂\"}\n\n");
    }

    @Test
    void EX4_aLongLineGrowsTheLineAndWhatFollowsTheLastWholeEventIsHeld() throws IOException {
        String big = "x".repeat(50_000);
        Read read = read("event: message_delta\ndata: " + big + "\n\nevent: message_stop\ndata: {");

        assertThat(read.events())
                .containsExactly(
                        "message_delta | "
                                + big
                                + " | event: message_delta\ndata: "
                                + big
                                + "\n\n");
        assertThat(read.heldAtEnd()).isEqualTo("event: message_stop\ndata: {\n");
    }

    /** An endless stream of {@code x}, each read's last byte a line end when {@code lines}. */
    private static InputStream xs(boolean lines) {
        return new InputStream() {
            @Override
            public int read() {
                return 'x';
            }

            @Override
            public int read(byte[] b, int off, int len) {
                Arrays.fill(b, off, off + len, (byte) 'x');
                if (lines) {
                    b[off + len - 1] = '\n';
                }
                return len;
            }
        };
    }

    @Test
    void EX4_anEventPastItsBoundFailsLikeALostConnectionInsteadOfFillingMemory() {
        InputStream endless = xs(false);
        InputStream manyLines = xs(true);

        assertThatThrownBy(() -> new SseEvents(endless).next())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("longer than");
        assertThatThrownBy(() -> new SseEvents(manyLines).next())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("longer than");
    }

    @Test
    void EX4_whatArrivedTogetherIsReadBeforeTheOneFlushThatPrecedesEachWait() throws IOException {
        List<String> seen = new ArrayList<>();
        List<byte[]> arrivals =
                new ArrayList<>(
                        List.of(
                                "event: a\ndata: 1\n\nevent: b\ndata: 2\n\nevent: c\nda"
                                        .getBytes(StandardCharsets.UTF_8),
                                "ta: 3\n\n".getBytes(StandardCharsets.UTF_8)));
        InputStream arriving =
                new InputStream() {
                    private ByteArrayInputStream now = new ByteArrayInputStream(new byte[0]);

                    @Override
                    public int read() {
                        throw new UnsupportedOperationException();
                    }

                    @Override
                    public int available() {
                        return now.available();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        if (now.available() == 0) {
                            if (arrivals.isEmpty()) {
                                return -1;
                            }
                            seen.add("wait");
                            now = new ByteArrayInputStream(arrivals.removeFirst());
                        }
                        return now.read(b, off, len);
                    }
                };
        SseEvents events = new SseEvents(arriving, () -> seen.add("flush"));
        while (events.next()) {
            seen.add(events.name());
        }

        // Each wait for the upstream comes right after a flush; a, b and the start of c arrived
        // together, so a and b are flushed once, before the wait for the rest of c.
        assertThat(seen).containsExactly("flush", "wait", "a", "b", "flush", "wait", "c", "flush");
    }

    @Test
    void EX4_anEmptyStreamHasNoEventAndHoldsNothing() throws IOException {
        Read read = read("");

        assertThat(read.events()).isEmpty();
        assertThat(read.heldAtEnd()).isNull();
    }
}
