package dev.headroom.support;

import dev.headroom.HeadroomApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Further Headroom nodes in the test's JVM, each on its own random port, on a PostgreSQL the test
 * already runs (issue 15's several-node tests and benchmark).
 */
public final class HeadroomNodes {
    private HeadroomNodes() {}

    /** A node on {@code url} as {@code user}, without demo orgs, with {@code more} arguments. */
    public static ConfigurableApplicationContext start(
            String url, String user, String password, String operatorKey, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--server.port=0",
                                "--spring.datasource.url=" + url,
                                "--spring.datasource.username=" + user,
                                "--spring.datasource.password=" + password,
                                "--headroom.demo.enabled=false",
                                "--headroom.operator-key=" + operatorKey));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(HeadroomApplication.class)
                .run(args.toArray(String[]::new));
    }

    /** The node's address, {@code http://localhost:<port>}. */
    public static String base(ConfigurableApplicationContext node) {
        return "http://localhost:" + ((WebServerApplicationContext) node).getWebServer().getPort();
    }
}
