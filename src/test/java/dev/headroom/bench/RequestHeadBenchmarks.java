package dev.headroom.bench;

import dev.headroom.gateway.RequestHead;
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
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's read of a Claude Code–sized request (EX-4): the whole body parsed into a tree, as
 * strict orgs still do, against the model and max_tokens read as it streams past. {@code
 * bench/jmh.sh RequestHeadBenchmarks}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestHeadBenchmarks {
    private final ObjectMapper json = JsonMapper.builder().build();
    private final byte[] body = ClaudeCodeSizedRequest.body().getBytes(StandardCharsets.UTF_8);

    @Benchmark
    public RequestHead parsedTree() {
        return RequestHead.of(json.readTree(body)).orElseThrow();
    }

    @Benchmark
    public RequestHead readAsItStreams() {
        return RequestHead.read(json, body).orElseThrow();
    }
}
