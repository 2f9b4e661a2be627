package dev.headroom.demo;

import dev.headroom.core.Money;
import dev.headroom.metering.ExtraUsageSettingsService;
import dev.headroom.metering.rules.ExtraUsageScope;
import dev.headroom.organization.ApiKeyService;
import dev.headroom.organization.Caller;
import dev.headroom.organization.ConsoleAccounts;
import dev.headroom.organization.KeyRole;
import dev.headroom.organization.Member;
import dev.headroom.organization.MemberService;
import dev.headroom.organization.Org;
import dev.headroom.organization.OrgService;
import dev.headroom.organization.Plan;
import dev.headroom.organization.Role;
import dev.headroom.organization.SeatType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The demo of the default run: a Team org and a seat-based Enterprise org with a few members and a
 * month of their usage ({@link DemoHistory}), created once (on an empty database). Their keys are
 * printed and kept in {@code <data-dir>/demo-keys.txt}.
 */
@Component
@ConditionalOnProperty(name = "headroom.demo.enabled", havingValue = "true")
class DemoData implements ApplicationRunner {
    private static final Logger log = LoggerFactory.getLogger(DemoData.class);
    private static final String ACTOR = "demo";
    // The demo acts with the operator's power, named "demo" in the audit log.
    private static final Caller DEMO = new Caller.Operator(ACTOR);
    private final dev.headroom.gateway.GatewaySettings gateways;
    private final DemoHistory history;

    /** Every demo member signs in to the console with their email and this password. */
    static final String DEMO_PASSWORD = "headroom-demo";

    private final OrgService orgs;
    private final MemberService members;
    private final ExtraUsageSettingsService settings;
    private final ApiKeyService keys;
    private final ConsoleAccounts accounts;
    private final dev.headroom.credits.AutoReloads autoReloads;
    private final JdbcClient jdbc;
    private final Path keyFile;
    private final org.springframework.core.env.Environment env;

    DemoData(
            OrgService orgs,
            MemberService members,
            ExtraUsageSettingsService settings,
            ApiKeyService keys,
            ConsoleAccounts accounts,
            dev.headroom.credits.AutoReloads autoReloads,
            JdbcClient jdbc,
            @Value("${headroom.data-dir:./headroom-data}") String dataDir,
            org.springframework.core.env.Environment env,
            dev.headroom.gateway.GatewaySettings gateways,
            DemoHistory history) {
        this.gateways = gateways;
        this.history = history;
        this.orgs = orgs;
        this.members = members;
        this.settings = settings;
        this.keys = keys;
        this.accounts = accounts;
        this.autoReloads = autoReloads;
        this.jdbc = jdbc;
        this.keyFile = Path.of(dataDir, "demo-keys.txt");
        this.env = env;
    }

    @Override
    public void run(ApplicationArguments args) throws IOException {
        if (jdbc.sql("select count(*) from org").query(Long.class).single() > 0) {
            if (Files.exists(keyFile)) {
                log.info("Demo keys: {}", keyFile.toAbsolutePath());
            }
            return;
        }
        List<String> lines = new ArrayList<>();
        lines.add(
                "# Headroom demo orgs and their API keys (shown once, kept here for the demo only)");
        lines.add(
                "# Console: http://localhost:"
                        + port()
                        + "/login, any demo member's email, password "
                        + DEMO_PASSWORD);
        team(lines);
        enterprise(lines);
        lines.add("");
        lines.add(
                "# Both orgs come with last month's usage and today's so far (DemoHistory): Globex's"
                        + " last month is invoiced, Homer is past his cap with a request pending,"
                        + " Frank near 80 %; Acme's balance was reloaded once.");
        Files.createDirectories(keyFile.getParent());
        Files.write(keyFile, lines);
        log.info("Demo data created:\n  {}", String.join("\n  ", lines));
    }

    /** The port the server listens on: known by now, since runners run after it started. */
    private String port() {
        return env.getProperty("local.server.port", env.getProperty("server.port", "8080"));
    }

    private void team(List<String> lines) {
        Org org =
                orgs.create(
                        new OrgService.NewOrg(
                                "Acme Robotics", Plan.TEAM, "USD", "UTC", false, null));
        Member owner =
                member(
                        org,
                        "ada@acme.example",
                        "Ada Lovelace",
                        Role.PRIMARY_OWNER,
                        SeatType.PREMIUM);
        Member grace =
                member(org, "grace@acme.example", "Grace Hopper", Role.ADMIN, SeatType.STANDARD);
        Member alan =
                member(org, "alan@acme.example", "Alan Turing", Role.MEMBER, SeatType.STANDARD);
        Member edsger =
                member(
                        org,
                        "edsger@acme.example",
                        "Edsger Dijkstra",
                        Role.MEMBER,
                        SeatType.PREMIUM);
        settings.configure(
                org.id(),
                true,
                ExtraUsageScope.ORG,
                Money.ofUnits(100),
                null,
                ExtraUsageSettingsService.StrictChange.NONE,
                ACTOR);
        autoReloads.configure(org.id(), true, Money.ofUnits(20), Money.ofUnits(100), ACTOR);
        settings.setOrgLimit(org.id(), Money.ofUnits(500), ACTOR);
        settings.setMemberLimit(org.id(), alan.id(), Money.ofUnits(50), DEMO);
        describe(lines, org, owner, alan);
        // Last month within the included windows; today $97 of extra usage, which takes the
        // balance of $100 past the $20 threshold: one auto-reload.
        history.tell(
                org,
                List.of(
                        new DemoHistory.Habit(owner, 80, 1_200, 1_500),
                        new DemoHistory.Habit(grace, 60, 300, 0),
                        new DemoHistory.Habit(alan, 90, 350, 4_200),
                        new DemoHistory.Habit(edsger, 90, 1_800, 4_000)),
                1L);
    }

    private void enterprise(List<String> lines) {
        Org org =
                orgs.create(
                        new OrgService.NewOrg(
                                "Globex Corporation",
                                Plan.ENTERPRISE_SEAT,
                                "USD",
                                "Europe/Berlin",
                                false,
                                null));
        Member owner =
                member(
                        org,
                        "hank@globex.example",
                        "Hank Scorpio",
                        Role.PRIMARY_OWNER,
                        SeatType.PREMIUM);
        Member marge =
                member(org, "marge@globex.example", "Marge Bouvier", Role.ADMIN, SeatType.STANDARD);
        Member homer =
                member(
                        org,
                        "homer@globex.example",
                        "Homer Simpson",
                        Role.MEMBER,
                        SeatType.STANDARD);
        Member lisa =
                member(org, "lisa@globex.example", "Lisa Simpson", Role.MEMBER, SeatType.PREMIUM);
        Member frank =
                member(org, "frank@globex.example", "Frank Grimes", Role.MEMBER, SeatType.STANDARD);
        settings.configure(
                org.id(),
                true,
                ExtraUsageScope.ORG,
                null,
                null,
                ExtraUsageSettingsService.StrictChange.NONE,
                ACTOR);
        settings.setOrgLimit(org.id(), Money.ofUnits(2_000), ACTOR);
        settings.setSeatTypeLimit(org.id(), SeatType.STANDARD, Money.ofUnits(50), ACTOR);
        settings.setSeatTypeLimit(org.id(), SeatType.PREMIUM, Money.ofUnits(200), ACTOR);
        describe(lines, org, owner, homer);
        // Last month's sessions run past the included windows (an invoice with lines); today
        // Homer goes past his $50 cap and asks for more, Frank reaches 82 %, Lisa uses 15 %.
        history.tell(
                org,
                List.of(
                        new DemoHistory.Habit(owner, 70, 2_000, 1_200),
                        new DemoHistory.Habit(marge, 60, 500, 0),
                        new DemoHistory.Habit(homer, 95, 700, 5_600),
                        new DemoHistory.Habit(lisa, 90, 2_600, 3_000),
                        new DemoHistory.Habit(frank, 90, 650, 4_100)),
                2L);
        history.closePreviousMonth(org);
        history.fileRequest(org, homer);
    }

    private Member member(Org org, String email, String name, Role role, SeatType seat) {
        Member member =
                members.create(
                        org.id(), new MemberService.NewMember(email, name, role, seat), DEMO);
        accounts.setPassword(org.id(), member.id(), DEMO_PASSWORD, DEMO);
        return member;
    }

    private static ApiKeyService.KeySpec key(KeyRole role, String memberId) {
        return new ApiKeyService.KeySpec(role, memberId, null, "Demo " + role.name().toLowerCase());
    }

    /**
     * The org's keys, and the two lines that put Claude Code behind Headroom as {@code worker}: the
     * demo orgs' upstream is the built-in demo model, so no Anthropic account is needed.
     */
    private void describe(List<String> lines, Org org, Member owner, Member worker) {
        String base = "http://localhost:" + port();
        gateways.set(org.id(), base + "/demo-model", "demo-model-key", DEMO);
        lines.add("");
        lines.add(org.name() + " (" + org.plan() + "): " + org.id());
        lines.add(
                "  owner key   ("
                        + owner.email()
                        + "): "
                        + keys.create(org.id(), key(KeyRole.OWNER, owner.id()), DEMO).key());
        lines.add(
                "  service key: " + keys.create(org.id(), key(KeyRole.SERVICE, null), DEMO).key());
        lines.add(
                "  Claude Code as "
                        + worker.name()
                        + " ("
                        + worker.email()
                        + "), through the demo model:");
        lines.add("    export ANTHROPIC_BASE_URL=" + base);
        lines.add(
                "    export ANTHROPIC_API_KEY="
                        + keys.create(org.id(), key(KeyRole.MEMBER, worker.id()), DEMO).key());
        lines.add("    claude -p \"hello\"");
    }
}
