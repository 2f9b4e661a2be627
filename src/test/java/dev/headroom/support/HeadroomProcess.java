package dev.headroom.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Headroom as its own process on a persistent embedded PostgreSQL (fsync on), for the crash tests:
 * started, SIGKILLed (with or without its PostgreSQL, as a process or a machine crash leaves it)
 * and started again on the same data directory and port.
 */
public final class HeadroomProcess implements AutoCloseable {
    public static final String OPERATOR = "crash-operator";

    private final Path dataDir;
    private final int port;
    private final List<String> extraArgs;
    private Process server;

    public HeadroomProcess(String... extraArgs) throws IOException {
        this.dataDir = Files.createTempDirectory("headroom-crash");
        this.port = freePort();
        this.extraArgs = List.of(extraArgs);
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public Api operator() {
        return new Api(url(), OPERATOR);
    }

    /** Starts the server and waits until its health answers. */
    public void start() throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                java,
                                "-Xmx512m",
                                "-cp",
                                System.getProperty("java.class.path"),
                                "dev.headroom.HeadroomApplication",
                                "--server.port=" + port,
                                "--headroom.data-dir=" + dataDir,
                                "--headroom.demo.enabled=false",
                                "--headroom.operator-key=" + OPERATOR,
                                "--logging.level.root=WARN"));
        command.addAll(extraArgs);
        server =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dataDir.resolve("server.log").toFile())
                        .start();
        Api anonymous = new Api(url(), null);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            assertThat(server.isAlive())
                    .as("server process alive; see " + dataDir.resolve("server.log"))
                    .isTrue();
            try {
                if (anonymous.get("/actuator/health").status() == 200) {
                    return;
                }
            } catch (RuntimeException e) {
                // not up yet
            }
            assertThat(System.nanoTime()).as("server up in time").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** SIGKILLs the server; with {@code machineCrash} its PostgreSQL too. */
    public void kill(boolean machineCrash) throws IOException, InterruptedException {
        server.destroyForcibly().waitFor();
        if (machineCrash) {
            killPostgres();
        }
    }

    /** A connection to the server's PostgreSQL (while it runs). */
    public Connection database() throws IOException, SQLException {
        List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + pid.get(3).trim() + "/postgres",
                "postgres",
                "postgres");
    }

    /** The one number {@code sql} answers, with {@code param} as its only parameter. */
    public long count(String sql, String param) throws IOException, SQLException {
        try (Connection db = database();
                java.sql.PreparedStatement q = db.prepareStatement(sql)) {
            q.setString(1, param);
            try (java.sql.ResultSet rs = q.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.destroy();
        server.waitFor();
        killPostgres();
    }

    /** SIGKILLs the embedded PostgreSQL, as a machine crash would leave it: no clean shutdown. */
    private void killPostgres() throws IOException {
        Path pidFile = dataDir.resolve("postgres/postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        long pid = Long.parseLong(Files.readAllLines(pidFile).getFirst().trim());
        ProcessHandle.of(pid)
                .ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.onExit().join();
                });
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
