package dev.headroom.webhooks;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A real HTTP receiver of webhook deliveries on loopback: records each delivery and answers with
 * the statuses it was told (then 200), or hangs until released.
 */
final class Receiver implements AutoCloseable {
    record Delivery(Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }
    }

    final List<Delivery> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final HttpServer server;
    private volatile CountDownLatch hang;

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext(
                "/",
                exchange -> {
                    String body =
                            new String(
                                    exchange.getRequestBody().readAllBytes(),
                                    StandardCharsets.UTF_8);
                    received.add(new Delivery(Map.copyOf(exchange.getRequestHeaders()), body));
                    CountDownLatch wait = hang;
                    if (wait != null) {
                        try {
                            wait.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    Integer status = statuses.poll();
                    exchange.sendResponseHeaders(status == null ? 200 : status, -1);
                    exchange.close();
                });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    /** The next answers, in order; 200 after them. */
    void answer(Integer... next) {
        statuses.addAll(List.of(next));
    }

    /** Every delivery waits until {@link #release()}. */
    void hang() {
        hang = new CountDownLatch(1);
    }

    void release() {
        CountDownLatch wait = hang;
        hang = null;
        if (wait != null) {
            wait.countDown();
        }
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
