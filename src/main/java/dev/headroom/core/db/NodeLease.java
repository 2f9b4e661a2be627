package dev.headroom.core.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * This node's lease in {@code node_lease} (issue 15). Other nodes wait for this node's
 * acknowledgement of their writes while its lease is live by the database's clock; this node uses
 * what it keeps in memory only until a deadline on its own monotonic clock that ends before the
 * database's: measured from <em>before</em> each renewal was sent, shortened by a tenth. So when a
 * writer stops waiting because this lease lapsed, this node has already stopped trusting memory.
 */
final class NodeLease {
    private final String nodeId = UUID.randomUUID().toString().replace("-", "");
    private final Duration length;
    private volatile long trustedUntilNanos = System.nanoTime();
    private volatile long registration = -1;

    NodeLease(Duration length) {
        this.length = length;
    }

    String nodeId() {
        return nodeId;
    }

    /** The channel on which other nodes acknowledge this node's barriers. */
    String ackChannel() {
        return ackChannel(nodeId);
    }

    static String ackChannel(String nodeId) {
        return "headroom_ack_" + nodeId;
    }

    Duration length() {
        return length;
    }

    /** The registration currently held, or -1 while there is none. */
    long registration() {
        return registration;
    }

    boolean fresh() {
        return registration >= 0 && System.nanoTime() - trustedUntilNanos < 0;
    }

    /** Takes a new registration (a node that lost its lease, or starts, forgets all it kept). */
    long register(Connection connection) throws SQLException {
        long sent = System.nanoTime();
        try (PreparedStatement insert =
                connection.prepareStatement(
                        """
                        insert into node_lease (node_id, registration, lease_until)
                        values (?, nextval('node_registration_seq'), now() + ? * interval '1 millisecond')
                        on conflict (node_id) do update
                          set registration = excluded.registration, lease_until = excluded.lease_until
                        returning registration
                        """)) {
            insert.setString(1, nodeId);
            insert.setLong(2, length.toMillis());
            try (ResultSet rs = insert.executeQuery()) {
                rs.next();
                registration = rs.getLong(1);
            }
        }
        extendFrom(sent);
        return registration;
    }

    /**
     * Renews the lease; false if it had lapsed (by the database's clock) and must be taken anew.
     */
    boolean renew(Connection connection) throws SQLException {
        long sent = System.nanoTime();
        try (PreparedStatement update =
                connection.prepareStatement(
                        """
                        update node_lease set lease_until = now() + ? * interval '1 millisecond'
                        where node_id = ? and registration = ? and lease_until > now()
                        """)) {
            update.setLong(1, length.toMillis());
            update.setString(2, nodeId);
            update.setLong(3, registration);
            if (update.executeUpdate() != 1) {
                lost();
                return false;
            }
        }
        extendFrom(sent);
        return true;
    }

    /** The other nodes with a live lease and their registrations. */
    Map<String, Long> livePeers(Connection connection) throws SQLException {
        Map<String, Long> peers = new HashMap<>();
        try (PreparedStatement query =
                connection.prepareStatement(
                        "select node_id, registration from node_lease"
                                + " where lease_until > now() and node_id <> ?")) {
            query.setString(1, nodeId);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    peers.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return peers;
    }

    /** Gives the lease back at a clean stop, so nobody waits for this node until it would lapse. */
    void release(Connection connection) throws SQLException {
        lost();
        try (PreparedStatement delete =
                connection.prepareStatement("delete from node_lease where node_id = ?")) {
            delete.setString(1, nodeId);
            delete.executeUpdate();
        }
    }

    void lost() {
        registration = -1;
        trustedUntilNanos = System.nanoTime();
    }

    private void extendFrom(long sentNanos) {
        trustedUntilNanos = sentNanos + length.toNanos() * 9 / 10;
    }
}
