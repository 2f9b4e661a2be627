package dev.headroom.core;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Every write that changes what an admission reads says so here: an org's part (the org row,
 * settings, allowances, org spend, balance) or one member's part (the member row, windows, member
 * spend, requests). Listeners hear of it when the transaction ends, before the writer answers its
 * caller — so on this node no admission after that answer can use the old state (XU-18). Other
 * nodes hear of the same rows through the database's notifications.
 */
@Component
public class StateChanges {

    /** Hears about changes once they are committed (or rolled back: hearing too much is safe). */
    public interface Listener {
        void orgChanged(String orgId);

        void memberChanged(String orgId, String memberId);
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
