package dev.headroom.metering.rules;

import dev.headroom.pricing.TokenUsage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** A usage report of one model request (XU-17), identified by its request id. */
public record UsageReport(
        String requestId,
        String orgId,
        String memberId,
        String product,
        String model,
        Instant timestamp,
        TokenUsage usage) {

    /** Identifies the content: a replay with another content is a conflict, not a duplicate. */
    public String contentHash() {
        String canonical =
                String.join(
                        "|",
                        memberId,
                        product,
                        model,
                        timestamp.toString(),
                        Long.toString(usage.inputTokens()),
                        Long.toString(usage.outputTokens()),
                        Long.toString(usage.cacheWrite5mTokens()),
                        Long.toString(usage.cacheWrite1hTokens()),
                        Long.toString(usage.cacheReadTokens()),
                        Long.toString(usage.webSearchRequests()),
                        Boolean.toString(usage.batch()));
        try {
            return HexFormat.of()
                    .formatHex(
                            MessageDigest.getInstance("SHA-256")
                                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
