package dev.headroom.core.db;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A node that is stopping sends no barriers, so a write it finishes then cannot be acknowledged: it
 * must not wait for answers that cannot come (three lease lengths, here three hours).
 */
class PeerAcksTest {
    @Test
    void issue15_aStoppedNodeDoesNotWaitForAcknowledgementsItCannotAskFor() {
        PeerAcks acks = new PeerAcks(new NodeLease(Duration.ofHours(1)), null);
        acks.viewIs(Map.of("another-node", 1L));
        // Never started here, or stopped: no barrier goes out either way.
        assertTimeoutPreemptively(Duration.ofSeconds(30), acks::awaitAcknowledged);
    }
}
