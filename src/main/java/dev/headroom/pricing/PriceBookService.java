package dev.headroom.pricing;

import dev.headroom.core.ApiException;
import dev.headroom.core.StateChanges;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The price book: dated versions in PostgreSQL, served from an in-memory snapshot that is read
 * again after any change on any node: a change is announced like every other state a node keeps
 * (issue 15), so {@code PUT /prices} answers only once every live node has dropped its snapshot,
 * and the next price any node gives is the new one. While this node cannot prove its lease is
 * fresh, every use reads the database.
 */
@Service
public class PriceBookService implements StateChanges.Listener {
    private final JdbcClient jdbc;
    private final Clock clock;
    private volatile PriceBook snapshot = new PriceBook(List.of(), Map.of());
    private volatile boolean stale = true;
    private final Map<String, String> fallbacks;
    private final StateChanges changes;

    /**
     * {@code fallbacks}: {@code headroom.prices.fallbacks} (env {@code HEADROOM_PRICE_FALLBACKS}),
     * e.g. {@code claude-opus-*=claude-opus-5-5,claude-sonnet-*=claude-sonnet-5-5}: a model of that
     * family the price book does not know is priced as the named one instead of refused.
     */
    public PriceBookService(
            JdbcClient jdbc,
            Clock clock,
            StateChanges changes,
            @org.springframework.beans.factory.annotation.Value(
                            "${headroom.prices.fallbacks:${HEADROOM_PRICE_FALLBACKS:}}")
                    String fallbacks) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.fallbacks = parseFallbacks(fallbacks);
        this.changes = changes;
        changes.register(this);
    }

    static Map<String, String> parseFallbacks(String text) {
        Map<String, String> parsed = new HashMap<>();
        if (text == null || text.isBlank()) {
            return parsed;
        }
        for (String pair : text.split(",")) {
            String[] parts = pair.trim().split("=", 2);
            if (parts.length != 2 || !parts[0].trim().endsWith("*") || parts[1].isBlank()) {
                throw new IllegalStateException(
                        "headroom.prices.fallbacks takes family=model pairs such as"
                                + " claude-opus-*=claude-opus-5-5; got '"
                                + pair
                                + "'.");
            }
            String prefix = parts[0].trim();
            parsed.put(prefix.substring(0, prefix.length() - 1), parts[1].trim());
        }
        return parsed;
    }

    public PriceBook current() {
        if (stale || !changes.fresh()) {
            refresh();
        }
        return snapshot;
    }

    @Override
    public void pricesChanged() {
        stale = true;
    }

    @Override
    public void channel(boolean listening) {
        stale = true;
    }

    @Override
    public void orgChanged(String orgId) {}

    @Override
    public void memberChanged(String orgId, String memberId) {}

    /** The price in force for {@code model} at {@code at}, or a 400 naming the problem. */
    public PriceVersion priceAt(String model, Instant at) {
        PriceBook book = current();
        if (book.resolve(model).isEmpty()) {
            throw ApiException.validation(
                    "Unknown model '" + model + "': it is not in the price book.");
        }
        return book.priceAt(model, at)
                .orElseThrow(() ->
                        ApiException.validation(
                                "Model '" + model + "' has no price in force at " + at + "."));
    }

    public Optional<String> resolve(String model) {
        return current().resolve(model);
    }

    /** Adds a dated version; an existing version with the same date is replaced. */
    @Transactional
    public PriceVersion put(PriceVersion version, List<String> aliases) {
        upsert(version, true);
        saveAliases(version.model(), aliases);
        changes.pricesChanged();
        return version;
    }

    /** Adds versions from the shipped data file without touching versions already stored. */
    @Transactional
    public int importMissing(List<PriceVersion> versions, Map<String, List<String>> aliases) {
        int added = 0;
        for (PriceVersion version : versions) {
            added += upsert(version, false);
        }
        aliases.forEach(this::saveAliases);
        changes.pricesChanged();
        return added;
    }

    /** Reads the price book again (a change arriving meanwhile marks it stale again). */
    public void refresh() {
        stale = false;
        List<PriceVersion> versions =
                jdbc.sql("select * from price_version")
                        .query((rs, n) -> PriceRows.version(rs))
                        .list();
        Map<String, String> aliases = new HashMap<>();
        jdbc.sql("select alias, model from model_alias")
                .query(rs -> {
                    aliases.put(rs.getString(1), rs.getString(2));
                });
        snapshot = new PriceBook(versions, aliases, fallbacks);
    }

    private int upsert(PriceVersion v, boolean replace) {
        TokenPrices b = v.base();
        TokenPrices lc = v.longContext() == null ? null : v.longContext().prices();
        String conflict =
                replace
                        ? """
                        on conflict (model, effective_from) do update set
                          input_nanos = excluded.input_nanos, output_nanos = excluded.output_nanos,
                          cache_write_5m_nanos = excluded.cache_write_5m_nanos,
                          cache_write_1h_nanos = excluded.cache_write_1h_nanos,
                          cache_read_nanos = excluded.cache_read_nanos,
                          long_context_threshold = excluded.long_context_threshold,
                          lc_input_nanos = excluded.lc_input_nanos, lc_output_nanos = excluded.lc_output_nanos,
                          lc_cache_write_5m_nanos = excluded.lc_cache_write_5m_nanos,
                          lc_cache_write_1h_nanos = excluded.lc_cache_write_1h_nanos,
                          lc_cache_read_nanos = excluded.lc_cache_read_nanos,
                          web_search_per_call_nanos = excluded.web_search_per_call_nanos,
                          batch_discount_percent = excluded.batch_discount_percent
                        """
                        : "on conflict (model, effective_from) do nothing";
        return jdbc.sql(
                        """
                        insert into price_version (model, effective_from, input_nanos, output_nanos,
                          cache_write_5m_nanos, cache_write_1h_nanos, cache_read_nanos,
                          long_context_threshold, lc_input_nanos, lc_output_nanos,
                          lc_cache_write_5m_nanos, lc_cache_write_1h_nanos, lc_cache_read_nanos,
                          web_search_per_call_nanos, batch_discount_percent, created_at)
                        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """
                                + conflict)
                .params(
                        v.model(),
                        Timestamp.from(v.effectiveFrom()),
                        b.inputNanos(),
                        b.outputNanos(),
                        b.cacheWrite5mNanos(),
                        b.cacheWrite1hNanos(),
                        b.cacheReadNanos(),
                        v.longContext() == null ? null : v.longContext().thresholdInputTokens(),
                        lc == null ? null : lc.inputNanos(),
                        lc == null ? null : lc.outputNanos(),
                        lc == null ? null : lc.cacheWrite5mNanos(),
                        lc == null ? null : lc.cacheWrite1hNanos(),
                        lc == null ? null : lc.cacheReadNanos(),
                        v.webSearchPerCallNanos(),
                        v.batchDiscountPercent(),
                        Timestamp.from(clock.instant()))
                .update();
    }

    private void saveAliases(String model, List<String> aliases) {
        if (aliases == null) {
            return;
        }
        for (String alias : aliases) {
            jdbc.sql(
                            "insert into model_alias (alias, model) values (?, ?)"
                                    + " on conflict (alias) do update set model = excluded.model")
                    .params(alias, model)
                    .update();
        }
    }
}
