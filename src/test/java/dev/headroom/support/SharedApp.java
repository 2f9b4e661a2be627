package dev.headroom.support;

import dev.headroom.HeadroomApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One running Headroom (on its own embedded PostgreSQL) for tests that cannot use Spring's test
 * support, such as jqwik properties. Started on first use, stopped when the JVM exits.
 */
public final class SharedApp {
    private static ConfigurableApplicationContext context;

    private SharedApp() {}

    public static synchronized ConfigurableApplicationContext context() {
        if (context == null) {
            context =
                    new SpringApplicationBuilder(HeadroomApplication.class)
                            .run(
                                    "--server.port=0",
                                    "--headroom.embedded.ephemeral=true",
                                    "--headroom.demo.enabled=false",
                                    "--headroom.operator-key=" + IntegrationTest.OPERATOR_KEY);
            Runtime.getRuntime().addShutdownHook(new Thread(context::close));
        }
        return context;
    }

    public static Api operator() {
        int port = ((WebServerApplicationContext) context()).getWebServer().getPort();
        return new Api("http://localhost:" + port, IntegrationTest.OPERATOR_KEY);
    }

    public static Scenario scenario() {
        return new Scenario(operator());
    }
}
