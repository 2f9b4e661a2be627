package dev.headroom.metering;

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
 * Listens on PostgreSQL's {@code headroom_state} channel, where triggers (migration V6) announce
 * every committed change to admission inputs, from any node: {@code o:<org>} or {@code
 * m:<org>:<member>}. While the connection is down the cache is not trusted; once listening again it
 * is cleared first, so nothing missed in between is used.
 */
class StateNotifications implements SmartLifecycle {
    private static final Logger log = LoggerFactory.getLogger(StateNotifications.class);

    private final AdmissionCache cache;
    private final DataSource data;
    private final boolean listen;
    private volatile boolean running;
    private Thread thread;

    StateNotifications(AdmissionCache cache, DataSource data, boolean listen) {
        this.cache = cache;
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
                cache.reset(true);
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
                cache.reset(false);
                if (running) {
                    log.warn(
                            "Lost the state notification channel; admissions read the database until it is back: {}",
                            e.toString());
                    pause();
                }
            }
        }
    }

    private void apply(String payload) {
        String[] parts = payload.split(":", 3);
        switch (parts[0]) {
            case "o" -> cache.orgChanged(parts[1]);
            case "m" -> cache.memberChanged(parts[1], parts[2]);
            default -> cache.reset(true);
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
