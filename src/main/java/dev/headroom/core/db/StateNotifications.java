package dev.headroom.core.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.core.StateChanges;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Listens on PostgreSQL's {@code headroom_state} channel, where triggers (migrations V6, V7, V10,
 * V13, V14) announce every committed change that a node may keep in memory, from any node: {@code
 * O:<xid>:<org>}, {@code M:<xid>:<org>:<member>} (admission state, naming the transaction that
 * committed it), {@code a:<org>:<member>} (a member row: access), {@code k:<org>:<key>}, {@code
 * g:<org>} (its gateway) or {@code p:} (prices). Each is handed to the {@link StateChanges}
 * listeners. While the connection is down they are told not to trust memory; once listening again
 * they forget everything first, so nothing missed in between is used.
 *
 * <p>The same connection holds this node's lease (issue 15): it registers after it listens, renews
 * the lease between reads, and answers other nodes' barriers ({@code b:<node>:<id>}) and joins
 * ({@code j:<node>:<id>:<registration>}) on their ack channels once it has applied everything
 * before them; answers to this node's own barriers arrive on its ack channel. So a node whose
 * reading stalls stops renewing, and a writer waits for it no longer than its lease.
 */
public class StateNotifications implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(StateNotifications.class);

    private final StateChanges changes;
    private final DataSource data;
    private final boolean listen;
    private final NodeLease lease;
    private final PeerAcks peers;
    private volatile boolean running;
    private Thread thread;

    public StateNotifications(
            StateChanges changes, DataSource data, boolean listen, Duration leaseLength) {
        this.changes = changes;
        this.data = data;
        this.listen = listen;
        this.lease = new NodeLease(leaseLength);
        this.peers = new PeerAcks(lease, data);
        if (listen) {
            changes.peers(peers);
        }
    }

    /** This node's id in {@code node_lease} (tests find its connections by it). */
    public String nodeId() {
        return lease.nodeId();
    }

    @Override
    public void start() {
        if (!listen) {
            return;
        }
        running = true;
        peers.start();
        thread =
                Thread.ofPlatform().daemon().name("headroom-state-notifications").start(this::loop);
    }

    private void loop() {
        int failures = 0;
        while (running) {
            Connection connection = null;
            try {
                connection = data.getConnection();
                listenOn(connection);
            } catch (SQLException | RuntimeException e) {
                lostChannel();
                if (running) {
                    log.warn(
                            "Lost the state notification channel or this node's lease; admissions and keys are read from the database until it is back: {}",
                            e.toString());
                    pause(Math.min(1_000, 100L << Math.min(failures++, 4)));
                }
            } finally {
                close(connection);
            }
            if (registered) {
                failures = 0;
            }
        }
    }

    private volatile boolean registered;

    private void listenOn(Connection connection) throws SQLException {
        registered = false;
        try (Statement statement = connection.createStatement()) {
            connection.setAutoCommit(true);
            statement.execute("set application_name = 'headroom-listener-" + nodeId() + "'");
            statement.execute("LISTEN headroom_state");
            statement.execute("LISTEN " + lease.ackChannel());
        }
        long registration = lease.register(connection);
        registered = true;
        peers.viewIs(lease.livePeers(connection));
        Thread.ofVirtual()
                .name("headroom-join")
                .start(() -> {
                    if (peers.join(registration) && lease.registration() == registration) {
                        changes.heard(l -> l.channel(true));
                    }
                });
        listen(connection);
    }

    /** The listening connection is never given back to the pool: it carries LISTEN and a name. */
    private void close(Connection connection) {
        if (connection == null) {
            return;
        }
        if (data instanceof HikariDataSource pool) {
            pool.evictConnection(connection);
        } else {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // already gone
            }
        }
    }

    private void listen(Connection connection) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long renewEvery = lease.length().toNanos() / 4;
        long renewed = System.nanoTime();
        while (running) {
            PGNotification[] notifications =
                    pg.getNotifications((int) Math.max(1, renewEvery / 1_000_000 / 2));
            if (notifications != null) {
                Map<String, List<String>> answers = new HashMap<>();
                for (PGNotification n : notifications) {
                    if (n.getName().equals(lease.ackChannel())) {
                        String[] parts = n.getParameter().split(":", 2);
                        peers.answered(parts[0], parts[1]);
                    } else {
                        apply(n.getParameter(), answers);
                    }
                }
                answer(connection, answers);
            }
            if (System.nanoTime() - renewed >= renewEvery) {
                renewed = System.nanoTime();
                if (!lease.renew(connection)) {
                    throw new IllegalStateException("this node's lease lapsed");
                }
                peers.viewIs(lease.livePeers(connection));
            }
        }
    }

    private void apply(String payload, Map<String, List<String>> answers) {
        String[] parts = payload.split(":", 3);
        switch (parts[0]) {
            case "O" -> {
                long xid = Long.parseLong(parts[1]);
                changes.heard(l -> l.orgCommitted(parts[2], xid));
            }
            case "R" -> {
                long xid = Long.parseLong(parts[1]);
                changes.heard(l -> {
                    l.orgRowChanged(parts[2]);
                    l.orgCommitted(parts[2], xid);
                });
            }
            case "M" -> {
                long xid = Long.parseLong(parts[1]);
                String[] ids = parts[2].split(":", 2);
                changes.heard(l -> l.memberCommitted(ids[0], ids[1], xid));
            }
            case "a" -> changes.heard(l -> l.accessChanged(parts[1], parts[2]));
            case "k" -> changes.heard(l -> l.keyChanged(parts[1], parts[2]));
            case "g" -> changes.heard(l -> l.gatewayChanged(parts[1]));
            case "p" -> changes.heard(StateChanges.Listener::pricesChanged);
            case "b", "j" -> {
                if (!parts[1].equals(nodeId())) {
                    String[] rest = parts[2].split(":");
                    if (parts[0].equals("j")) {
                        peers.joinedBy(parts[1], Long.parseLong(rest[1]));
                    }
                    answers.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(rest[0]);
                }
            }
            default -> changes.heard(l -> l.channel(true));
        }
    }

    /** One notification per writer node, naming every barrier of it this batch applied. */
    private void answer(Connection connection, Map<String, List<String>> answers)
            throws SQLException {
        if (answers.isEmpty()) {
            return;
        }
        List<String> channels = new ArrayList<>();
        List<String> payloads = new ArrayList<>();
        answers.forEach((node, ids) -> {
            channels.add(NodeLease.ackChannel(node));
            payloads.add(nodeId() + ":" + String.join(",", ids));
        });
        try (PreparedStatement notify =
                connection.prepareStatement(
                        "select pg_notify(c, p) from unnest(?::text[], ?::text[]) as t(c, p)")) {
            notify.setArray(1, connection.createArrayOf("text", channels.toArray()));
            notify.setArray(2, connection.createArrayOf("text", payloads.toArray()));
            notify.execute();
        }
    }

    private void lostChannel() {
        lease.lost();
        peers.forget();
        changes.heard(l -> l.channel(false));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            try (Connection connection = data.getConnection()) {
                lease.release(connection);
            } catch (SQLException | RuntimeException e) {
                log.warn("Could not give back this node's lease: {}", e.toString());
            }
            peers.stop();
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /**
     * Before the gateway's journal (phase 0) and the web server, and so stopped after them: a write
     * they finish while stopping is still acknowledged by the other nodes, where this node stopping
     * first made each such write wait out the acknowledgement's timeout and answer without it.
     */
    @Override
    public int getPhase() {
        return -1_000;
    }
}
