package dev.headroom.core.web;

import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The cheapest answer the server gives: the HTTP floor of the load benchmark, and a liveness probe.
 */
@RestController
public class PingController {
    private static final Map<String, String> PONG = Map.of("status", "ok");

    @GetMapping("/ping")
    public Map<String, String> ping() {
        return PONG;
    }
}
