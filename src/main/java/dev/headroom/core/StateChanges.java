package dev.headroom.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * database's notifications ({@link dev.headroom.core.db.StateNotifications}).
 */
@Component
public class StateChanges {

    /** Hears about changes once they are committed (or rolled back: hearing too much is safe). */
    public interface Listener {
        void orgChanged(String orgId);

        void memberChanged(String orgId, String memberId);

        /** The member's row changed: role, seat, caps, or they left. Their state changed too. */
        default void accessChanged(String orgId, String memberId) {
            memberChanged(orgId, memberId);
        }

        /** A key was revoked or its expiry changed. */
        default void keyChanged(String orgId, String keyId) {}

        /** The org's gateway upstream (URL or key) changed. */
        default void gatewayChanged(String orgId) {}

        /**
         * The notification channel from other nodes came up ({@code true}: forget everything kept
         * so far, then trust memory again) or went down ({@code false}: trust nothing until it is
         * back).
         */
        default void channel(boolean listening) {}
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    public void register(Listener listener) {
        listeners.add(listener);
    }

    public void orgChanged(String orgId) {
        afterTransaction(() -> listeners.forEach(l -> l.orgChanged(orgId)));
    }

    public void memberChanged(String orgId, String memberId) {
        afterTransaction(() -> listeners.forEach(l -> l.memberChanged(orgId, memberId)));
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

    /** What other nodes announced, or the state of the channel: told at once, no transaction. */
    public void heard(java.util.function.Consumer<Listener> event) {
        listeners.forEach(event);
    }

    private static void afterTransaction(Runnable tell) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(
                    new TransactionSynchronization() {
                        @Override
                        public void afterCompletion(int status) {
                            tell.run();
                        }
                    });
        } else {
            // Outside a transaction the write has already committed.
            tell.run();
        }
    }
}
