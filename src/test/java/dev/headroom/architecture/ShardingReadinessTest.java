package dev.headroom.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.headroom.support.IntegrationTest;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Issue 15, item 6 (docs/decisions/0009): the premise of sharding by org, checked on the migrated
 * schema. Every table that holds an org's rows has {@code org_id}, so all of an org's rows can live
 * on one shard and move with it, and nearly all lead their primary key with it. The tables keyed
 * otherwise, and those that are nobody's org's, are named here with how the plan treats them; a new
 * table must join one of the lists. Whatever an admission or a settlement writes (spend alerts'
 * emails and webhooks included) is a row of the org's, so it stays on the org's shard.
 */
class ShardingReadinessTest extends IntegrationTest {
    /** Tables with {@code org_id} whose primary key leads with something else, and why. */
    static final Map<String, String> KEYED_OTHERWISE =
            new TreeMap<>(
                    Map.of(
                            "api_key",
                            "found by the key's hash before the org is known: the key directory",
                            "console_account",
                            "found by email at sign-in before the org is known: the key directory",
                            "email_outbox",
                            "a per-database sequence: a move drains the org's outbox first",
                            "webhook_endpoint",
                            "random ids, unique on every shard; moved by org_id",
                            "webhook_delivery",
                            "keyed by its endpoint's random id; drained before a move"));

    /** Tables that are no org's, and why. */
    static final Map<String, String> GLOBAL =
            new TreeMap<>(
                    Map.of(
                            "org",
                            "its primary key is the org's id: the org directory's row",
                            "price_version",
                            "the price book: one, copied to every shard, held in memory",
                            "model_alias",
                            "the price book's aliases: as price_version",
                            "node_lease",
                            "each shard's own nodes and their leases",
                            "job_lease",
                            "each shard's own scheduled jobs",
                            "sign_in_failure",
                            "console sign-in throttling by account and address, per shard"));

    @Autowired JdbcTemplate jdbc;

    record Table(String name, String firstKey, boolean hasOrgId) {}

    @Test
    void everyTableOfAnOrgLeadsItsPrimaryKeyWithOrgId() {
        List<Table> tables =
                jdbc.query(
                        """
                        select c.relname,
                          (select a.attname from pg_index i
                             join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                           where i.indrelid = c.oid and i.indisprimary),
                          exists (select 1 from pg_attribute a
                                  where a.attrelid = c.oid and a.attname = 'org_id' and not a.attisdropped)
                        from pg_class c join pg_namespace n on n.oid = c.relnamespace
                        where n.nspname = current_schema() and c.relkind in ('r', 'p')
                          and c.relname not like 'flyway%'
                        order by 1
                        """,
                        (rs, n) -> new Table(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
        assertThat(tables).hasSizeGreaterThan(20);
        assertThat(
                        tables.stream()
                                .filter(t ->
                                        t.hasOrgId() && !KEYED_OTHERWISE.containsKey(t.name())))
                .allSatisfy(t -> assertThat(t.firstKey()).as(t.name()).isEqualTo("org_id"));
        assertThat(
                        tables.stream()
                                .filter(t -> t.hasOrgId() && !"org_id".equals(t.firstKey()))
                                .map(Table::name))
                .containsExactlyInAnyOrderElementsOf(KEYED_OTHERWISE.keySet());
        assertThat(tables.stream().filter(t -> !t.hasOrgId()).map(Table::name))
                .containsExactlyInAnyOrderElementsOf(GLOBAL.keySet());
    }
}
