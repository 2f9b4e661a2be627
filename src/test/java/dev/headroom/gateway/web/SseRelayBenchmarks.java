package dev.headroom.gateway.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the gateway's relay costs per answer of 300 text deltas (EX-4, issue 14 item 9), without the
 * sockets: the stream read event by event as {@link MessagesProxy} reads it, each event written on,
 * against the same bytes copied through as a bare relay copies them. {@code bench/jmh.sh
 * SseRelayBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class SseRelayBenchmarks {
    private static final String DELTA =
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
                    + "\"delta\":{\"type\":\"text_delta\",\"text\":\" and a few more words\"}}\n\n";
    private final byte[] stream =
            ("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\","
                            + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                            + "\"content\":[],\"usage\":{\"input_tokens\":1200,\"output_tokens\":1}}}\n\n"
                            + "event: content_block_start\ndata: {\"type\":\"content_block_start\","
                            + "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
                            + DELTA.repeat(300)
                            + "event: content_block_stop\ndata: {\"type\":\"content_block_stop\","
                            + "\"index\":0}\n\n"
                            + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":"
                            + "{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":80}}\n\n"
                            + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")
                    .getBytes(StandardCharsets.UTF_8);

    /** Counts what is written, as a socket would take it. */
    private static final class Sink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    @Benchmark
    public long eventByEvent(Blackhole usage) throws IOException {
        Sink out = new Sink();
        SseEvents events = new SseEvents(new ByteArrayInputStream(stream));
        while (events.next()) {
            String name = events.name();
            if (("message_start".equals(name) || "message_delta".equals(name))
                    && events.hasData()) {
                usage.consume(events.data());
            }
            events.writeTo(out);
        }
        return out.bytes;
    }

    @Benchmark
    public long bytesCopied() throws IOException {
        Sink out = new Sink();
        ByteArrayInputStream in = new ByteArrayInputStream(stream);
        byte[] buffer = new byte[8192];
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
        }
        return out.bytes;
    }
}
