package dev.headroom.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Every write that changes what an admission reads says so here: an org's part (the org row,
 * settings, allowances, org spend, balance) or one member's part (windows, member spend, requests).
 * A change to a member's row (role, seat, caps, removal) is an <em>access</em> change, and the
 * revocation of a key a <em>key</em> change: they change what a caller may do (EX-12); a change of
 * an org's gateway upstream is a <em>gateway</em> change (EX-4). Listeners hear of it when the
 * transaction ends, before the writer answers its caller — so on this node no request after that
 * answer can use the old state (XU-18, EX-12). Other nodes hear of the same rows through the
 * database's notifications ({@link dev.headroom.core.db.StateNotifications}), and the writer
 * answers only once every other live node has acknowledged them ({@link Peers}, issue 15): so no
 * request after that answer uses the old state on any node.
 */
@Component
public class StateChanges {

    /**
     * What a committed settlement left of an org's or a member's admission state, exactly (its own
     * figures after its writes, and the transaction that wrote them): a listener that keeps the
     * state may apply it instead of dropping and loading it again (issue 14).
     */
    public interface Settled {}

    /** Hears about changes once they are committed (or rolled back: hearing too much is safe). */
    public interface Listener {
        void orgChanged(String orgId);

        void memberChanged(String orgId, String memberId);

        /**
         * The same as {@link #orgChanged}, heard from the database with the transaction that
         * committed it: what was loaded after that commit already holds it.
         */
        default void orgCommitted(String orgId, long xid) {
            orgChanged(orgId);
        }

        /** Likewise for {@link #memberChanged}. */
        default void memberCommitted(String orgId, String memberId, long xid) {
            memberChanged(orgId, memberId);
        }

        /** The org's part changed by a committed settlement, which left {@code after}. */
        default void orgSettled(String orgId, Settled after) {
            orgChanged(orgId);
        }

        /** The member's part changed by a committed settlement, which left {@code after}. */
        default void memberSettled(String orgId, String memberId, Settled after) {
            memberChanged(orgId, memberId);
        }

        /**
         * The org's row changed (its test clock, suspension; issue 15): what is kept of the row
         * itself. Always told together with {@link #orgChanged} or {@link #orgCommitted}.
         */
        default void orgRowChanged(String orgId) {}

        /** The member's row changed: role, seat, caps, or they left. Their state changed too. */
        default void accessChanged(String orgId, String memberId) {
            memberChanged(orgId, memberId);
        }

        /** A key was revoked or its expiry changed. */
        default void keyChanged(String orgId, String keyId) {}

        /** The org's gateway upstream (URL or key) changed. */
        default void gatewayChanged(String orgId) {}

        /** A price or a model alias changed (EX-2). */
        default void pricesChanged() {}

        /**
         * The notification channel from other nodes came up ({@code true}: forget everything kept
         * so far, then trust memory again) or went down ({@code false}: trust nothing until it is
         * back).
         */
        default void channel(boolean listening) {}
    }

    /** The other nodes that keep state in memory; without several nodes, nobody to wait for. */
    public interface Peers {
        /** Returns once every other live node has dropped what was committed before the call. */
        void awaitAcknowledged();

        /** Whether this node may use what it keeps in memory (its lease is provably fresh). */
        boolean fresh();
    }

    private static final Peers ALONE =
            new Peers() {
                @Override
                public void awaitAcknowledged() {}

                @Override
                public boolean fresh() {
                    return true;
                }
            };

    // Threads whose callers wait for other nodes' acknowledgements themselves, later (group
    // commit).
    private static final ThreadLocal<int[]> DEFERRED = ThreadLocal.withInitial(() -> new int[1]);

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile Peers peers = ALONE;

    public void register(Listener listener) {
        listeners.add(listener);
    }

    public void peers(Peers peers) {
        this.peers = peers;
    }

    /** Whether memory may be used: false while this node cannot prove its lease is fresh. */
    public boolean fresh() {
        return peers.fresh();
    }

    /**
     * Runs {@code write} with the wait for other nodes' acknowledgements moved after it: a group
     * commit's leader does not hold its org's lane through the wait, and each caller — leader or
     * follower — waits once, after its answer is committed and before it is given.
     */
    public <T> T acknowledgedAfter(Supplier<T> write) {
        int[] depth = DEFERRED.get();
        depth[0]++;
        try {
            return write.get();
        } finally {
            depth[0]--;
            if (depth[0] == 0) {
                peers.awaitAcknowledged();
            }
        }
    }

    public void orgChanged(String orgId) {
        afterTransaction(() -> listeners.forEach(l -> l.orgChanged(orgId)));
    }

    /** The org's row changed: its admission state with it. */
    public void orgRowChanged(String orgId) {
        afterTransaction(() ->
                listeners.forEach(l -> {
                    l.orgRowChanged(orgId);
                    l.orgChanged(orgId);
                }));
    }

    public void memberChanged(String orgId, String memberId) {
        afterTransaction(() -> listeners.forEach(l -> l.memberChanged(orgId, memberId)));
    }

    /**
     * Like {@link #orgChanged}, for a settlement: once committed, listeners are told what it left
     * ({@code after}, read when the transaction ends; {@code null}: only that it changed).
     */
    public void orgSettled(String orgId, Supplier<Settled> after) {
        settled(after, l -> l.orgChanged(orgId), (l, figures) -> l.orgSettled(orgId, figures));
    }

    /** Likewise for a member's part. */
    public void memberSettled(String orgId, String memberId, Supplier<Settled> after) {
        settled(
                after,
                l -> l.memberChanged(orgId, memberId),
                (l, figures) -> l.memberSettled(orgId, memberId, figures));
    }

    private void settled(
            Supplier<Settled> after,
            java.util.function.Consumer<Listener> changed,
            java.util.function.BiConsumer<Listener, Settled> settled) {
        afterTransaction(
                () -> listeners.forEach(changed),
                () -> {
                    Settled figures = after.get();
                    listeners.forEach(l -> {
                        if (figures == null) {
                            changed.accept(l);
                        } else {
                            settled.accept(l, figures);
                        }
                    });
                });
    }

    public void accessChanged(String orgId, String memberId) {
        afterTransaction(() -> listeners.forEach(l -> l.accessChanged(orgId, memberId)));
    }

    public void keyChanged(String orgId, String keyId) {
        afterTransaction(() -> listeners.forEach(l -> l.keyChanged(orgId, keyId)));
    }

    public void gatewayChanged(String orgId) {
        afterTransaction(() -> listeners.forEach(l -> l.gatewayChanged(orgId)));
    }

    public void pricesChanged() {
        afterTransaction(() -> listeners.forEach(Listener::pricesChanged));
    }

    /** What other nodes announced, or the state of the channel: told at once, no transaction. */
    public void heard(java.util.function.Consumer<Listener> event) {
        listeners.forEach(event);
    }

    private void afterTransaction(Runnable tell) {
        afterTransaction(tell, tell);
    }

    /** {@code onCommit} once the transaction committed, {@code otherwise} if it did not. */
    private void afterTransaction(Runnable otherwise, Runnable onCommit) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(
                    new TransactionSynchronization() {
                        @Override
                        public int getOrder() {
                            return 0;
                        }

                        @Override
                        public void afterCompletion(int status) {
                            (status == STATUS_COMMITTED ? onCommit : otherwise).run();
                        }
                    });
            awaitPeersAtTheEnd();
        } else {
            // Outside a transaction the write has already committed (and a settlement's figures,
            // known only at its end, are not there to be told).
            otherwise.run();
            awaitPeers();
        }
    }

    /** One wait per transaction, after every listener of it has been told (order: last). */
    private void awaitPeersAtTheEnd() {
        if (TransactionSynchronizationManager.hasResource(this)) {
            return;
        }
        TransactionSynchronizationManager.bindResource(this, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(
                new TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int status) {
                        TransactionSynchronizationManager.unbindResourceIfPossible(
                                StateChanges.this);
                        awaitPeers();
                    }
                });
    }

    private void awaitPeers() {
        if (DEFERRED.get()[0] == 0) {
            peers.awaitAcknowledged();
        }
    }
}
