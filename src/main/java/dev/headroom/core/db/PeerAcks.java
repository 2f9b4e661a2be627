package dev.headroom.core.db;

import dev.headroom.core.StateChanges;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acknowledged invalidation across nodes (issue 15, DESIGN.md §8). After a write commits, its
 * writer asks here and waits; a <em>barrier</em> — a notification on {@code headroom_state}, sent
 * after the write's commit, so every node receives it after the write's own announcements — goes
 * out, and each other live node answers it on the writer's ack channel once it has applied
 * everything before it. A barrier is done when every node of the view it was sent to has answered,
 * has lost its lease by the database's clock, or has registered anew after it (it then forgot
 * everything it kept). Concurrent writers share one barrier, like a group commit.
 *
 * <p>The view is every other node with a live lease: refreshed from {@code node_lease} at each
 * renewal, and joined by a starting node's announcement, which that node sends before it trusts its
 * memory and which every node adds to its view before acknowledging — so a writer that finds an
 * empty view (one node) waits for nobody, safely.
 */
final class PeerAcks implements StateChanges.Peers {
    private static final Logger log = LoggerFactory.getLogger(PeerAcks.class);
    // How long a barrier waits for answers before the database is asked about the silent nodes.
    private static final long SILENT_CHECK_NANOS = 50_000_000L;

    private final NodeLease lease;
    private final DataSource data;
    private final Map<String, Long> view = new ConcurrentHashMap<>();
    private final Map<Long, Barrier> inFlight = new ConcurrentHashMap<>();
    private final Deque<Barrier> toSend = new ArrayDeque<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile long joined = -2;
    private Barrier open;
    private volatile boolean running;
    private Thread sender;
    private Connection connection;

    private static final class Barrier {
        final long id;
        final String payload;
        final boolean join;
        final Set<String> owing = ConcurrentHashMap.newKeySet();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile long sequence = Long.MAX_VALUE;
        volatile long checkedNanos;

        Barrier(long id, String payload, boolean join) {
            this.id = id;
            this.payload = payload;
            this.join = join;
        }

        void settleIfAnswered() {
            if (sequence != Long.MAX_VALUE && owing.isEmpty()) {
                done.complete(null);
            }
        }
    }

    PeerAcks(NodeLease lease, DataSource data) {
        this.lease = lease;
        this.data = data;
    }

    @Override
    public boolean fresh() {
        return joined == lease.registration() && lease.fresh();
    }

    @Override
    public void awaitAcknowledged() {
        // Stopped, this node sends no barrier: waiting would only delay the answer.
        if (view.isEmpty() || !running) {
            return;
        }
        Barrier barrier;
        synchronized (this) {
            if (open == null) {
                open = new Barrier(ids.incrementAndGet(), null, false);
                notifyAll();
            }
            barrier = open;
        }
        await(barrier, lease.length().multipliedBy(3));
    }

    /**
     * Announces this node's new registration to every live node and returns once each has added it
     * to its view; only then may the node trust memory (see the class comment).
     */
    boolean join(long registration) {
        Barrier barrier =
                new Barrier(
                        ids.incrementAndGet(), "j:" + lease.nodeId() + ":%d:" + registration, true);
        synchronized (this) {
            toSend.add(barrier);
            notifyAll();
        }
        if (await(barrier, lease.length().multipliedBy(3))) {
            joined = registration;
            return true;
        }
        return false;
    }

    /** The renewal's view of the live nodes replaces the old one. */
    void viewIs(Map<String, Long> live) {
        view.keySet().retainAll(live.keySet());
        view.putAll(live);
    }

    void joinedBy(String nodeId, long registration) {
        view.put(nodeId, registration);
    }

    /** {@code from} has applied everything up to the barriers {@code barrierIds}. */
    void answered(String from, String barrierIds) {
        for (String id : barrierIds.split(",")) {
            Barrier barrier = inFlight.get(Long.parseLong(id));
            if (barrier != null) {
                barrier.owing.remove(from);
                barrier.settleIfAnswered();
            }
        }
    }

    /** This node stops trusting memory at once (its channel or lease is gone). */
    void forget() {
        joined = -2;
    }

    private boolean await(Barrier barrier, Duration most) {
        try {
            barrier.done.get(most.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            log.warn(
                    "Other Headroom nodes did not acknowledge a change within {}; answering anyway (nodes {}).",
                    most,
                    barrier.owing);
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    void start() {
        running = true;
        sender = Thread.ofPlatform().daemon().name("headroom-peer-acks").start(this::loop);
    }

    void stop() {
        running = false;
        if (sender != null) {
            sender.interrupt();
        }
    }

    private void loop() {
        while (running) {
            try {
                Barrier next = nextToSend();
                if (connection == null || connection.isClosed()) {
                    connection = data.getConnection();
                    connection.setAutoCommit(true);
                }
                if (next != null) {
                    send(next);
                }
                checkSilentNodes();
            } catch (InterruptedException e) {
                return;
            } catch (SQLException | RuntimeException e) {
                log.warn("Could not send or check a barrier to other nodes: {}", e.toString());
                closeConnection();
                pause();
            }
        }
        closeConnection();
    }

    private synchronized Barrier nextToSend() throws InterruptedException {
        if (toSend.isEmpty() && open == null) {
            wait(inFlight.isEmpty() ? 1_000 : 10);
        }
        if (!toSend.isEmpty()) {
            return toSend.poll();
        }
        Barrier next = open;
        open = null;
        return next;
    }

    private void send(Barrier barrier) throws SQLException {
        if (barrier.owing.isEmpty() && !inFlight.containsKey(barrier.id)) {
            barrier.owing.addAll(
                    barrier.join ? lease.livePeers(connection).keySet() : view.keySet());
            inFlight.put(barrier.id, barrier);
        }
        String payload =
                barrier.join
                        ? barrier.payload.formatted(barrier.id)
                        : "b:" + lease.nodeId() + ":" + barrier.id;
        try (PreparedStatement notify =
                connection.prepareStatement(
                        "select nextval('node_registration_seq')"
                                + " from (select pg_notify('headroom_state', ?)) n")) {
            notify.setString(1, payload);
            try (ResultSet rs = notify.executeQuery()) {
                rs.next();
                barrier.sequence = rs.getLong(1);
            }
        } catch (SQLException e) {
            synchronized (this) {
                toSend.addFirst(barrier);
            }
            throw e;
        }
        barrier.checkedNanos = System.nanoTime();
        barrier.settleIfAnswered();
        if (barrier.done.isDone()) {
            inFlight.remove(barrier.id);
        }
    }

    /** Nodes that stay silent are let go once the database shows their lease lapsed or renewed. */
    private void checkSilentNodes() throws SQLException {
        long now = System.nanoTime();
        for (Barrier barrier : inFlight.values()) {
            if (barrier.done.isDone()) {
                inFlight.remove(barrier.id);
                continue;
            }
            if (barrier.sequence == Long.MAX_VALUE
                    || now - barrier.checkedNanos < SILENT_CHECK_NANOS) {
                continue;
            }
            barrier.checkedNanos = now;
            Set<String> stillOwing = ConcurrentHashMap.newKeySet();
            try (PreparedStatement query =
                    connection.prepareStatement(
                            "select node_id from node_lease where node_id = any(?)"
                                    + " and lease_until > now() and registration < ?")) {
                Array owing = connection.createArrayOf("text", barrier.owing.toArray());
                query.setArray(1, owing);
                query.setLong(2, barrier.sequence);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        stillOwing.add(rs.getString(1));
                    }
                }
            }
            barrier.owing.retainAll(stillOwing);
            barrier.settleIfAnswered();
        }
    }

    private void closeConnection() {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // already gone
        }
        connection = null;
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
