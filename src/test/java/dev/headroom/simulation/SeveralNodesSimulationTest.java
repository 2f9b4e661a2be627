package dev.headroom.simulation;

import com.zaxxer.hikari.HikariDataSource;
import dev.headroom.support.Api;
import dev.headroom.support.HeadroomNodes;
import dev.headroom.support.Scenario;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Issue 15: the model-based simulation against three Headroom nodes on one PostgreSQL, each
 * answering from memory (the default), every request of every org sent to one of them at random —
 * so a cap set through one node, a settlement through another and the admission on the third must
 * still agree with the reference model at every step, with no waiting in between. This node hears
 * the others (the plain simulation runs one node without the notification channel).
 */
@TestPropertySource(properties = "headroom.admission.listen=true")
class SeveralNodesSimulationTest extends SimulationTest {
    static final List<ConfigurableApplicationContext> OTHERS = new ArrayList<>();

    @Autowired DataSource data;

    @org.springframework.boot.test.web.server.LocalServerPort int localPort;

    @Override
    protected int defaultOperations() {
        return 1_500;
    }

    @BeforeEach
    void startTheOtherNodes() {
        if (!OTHERS.isEmpty()) {
            return;
        }
        HikariDataSource pool = (HikariDataSource) data;
        for (int i = 0; i < 2; i++) {
            OTHERS.add(
                    HeadroomNodes.start(
                            pool.getJdbcUrl(),
                            pool.getUsername(),
                            pool.getPassword(),
                            OPERATOR_KEY,
                            "--spring.mail.host=localhost",
                            "--spring.mail.port=" + MAIL.port(),
                            "--headroom.secret-key=" + SECRET_KEY,
                            "--logging.level.root=WARN"));
        }
    }

    @AfterAll
    static void stopTheOtherNodes() {
        OTHERS.forEach(ConfigurableApplicationContext::close);
        OTHERS.clear();
    }

    @Override
    protected Scenario scenario() {
        List<String> bases = new ArrayList<>();
        bases.add("http://localhost:" + localPort);
        for (ConfigurableApplicationContext node : OTHERS) {
            bases.add(HeadroomNodes.base(node));
        }
        return new Scenario(Api.spreadOver(bases, OPERATOR_KEY));
    }
}
