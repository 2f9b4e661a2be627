package dev.headroom.core.db;

import dev.headroom.core.StateChanges;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Listens on PostgreSQL's {@code headroom_state} channel, where triggers (migrations V6, V7)
 * announce every committed change that a node may keep in memory, from any node: {@code o:<org>},
 * {@code m:<org>:<member>}, {@code a:<org>:<member>} (a member row: access) or {@code
 * k:<org>:<key>}. Each is handed to the {@link StateChanges} listeners. While the connection is
 * down they are told not to trust memory; once listening again they forget everything first, so
 * nothing missed in between is used.
 */
public class StateNotifications implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(StateNotifications.class);

    private final StateChanges changes;
    private final DataSource data;
    private final boolean listen;
    private volatile boolean running;
    private Thread thread;

    public StateNotifications(StateChanges changes, DataSource data, boolean listen) {
        this.changes = changes;
        this.data = data;
        this.listen = listen;
    }

    @Override
    public void start() {
        if (!listen) {
            return;
        }
        running = true;
        thread =
                Thread.ofPlatform().daemon().name("headroom-state-notifications").start(this::loop);
    }

    private void loop() {
        while (running) {
            try (Connection connection = data.getConnection();
                    Statement statement = connection.createStatement()) {
                statement.execute("LISTEN headroom_state");
                changes.heard(l -> l.channel(true));
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(200);
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            apply(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                changes.heard(l -> l.channel(false));
                if (running) {
                    log.warn(
                            "Lost the state notification channel; admissions and keys are read from the database until it is back: {}",
                            e.toString());
                    pause();
                }
            }
        }
    }

    private void apply(String payload) {
        String[] parts = payload.split(":", 3);
        switch (parts[0]) {
            case "o" -> changes.heard(l -> l.orgChanged(parts[1]));
            case "m" -> changes.heard(l -> l.memberChanged(parts[1], parts[2]));
            case "a" -> changes.heard(l -> l.accessChanged(parts[1], parts[2]));
            case "k" -> changes.heard(l -> l.keyChanged(parts[1], parts[2]));
            case "g" -> changes.heard(l -> l.gatewayChanged(parts[1]));
            default -> changes.heard(l -> l.channel(true));
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
