package dev.headroom.pricing;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Maps a {@code price_version} row. */
final class PriceRows {
    private PriceRows() {}

    static PriceVersion version(ResultSet rs) throws SQLException {
        TokenPrices base =
                new TokenPrices(
                        rs.getLong("input_nanos"),
                        rs.getLong("output_nanos"),
                        rs.getLong("cache_write_5m_nanos"),
                        rs.getLong("cache_write_1h_nanos"),
                        rs.getLong("cache_read_nanos"));
        long threshold = rs.getLong("long_context_threshold");
        LongContextTier tier =
                rs.wasNull()
                        ? null
                        : new LongContextTier(
                                threshold,
                                new TokenPrices(
                                        rs.getLong("lc_input_nanos"),
                                        rs.getLong("lc_output_nanos"),
                                        rs.getLong("lc_cache_write_5m_nanos"),
                                        rs.getLong("lc_cache_write_1h_nanos"),
                                        rs.getLong("lc_cache_read_nanos")));
        return new PriceVersion(
                rs.getString("model"),
                rs.getTimestamp("effective_from").toInstant(),
                base,
                tier,
                rs.getLong("web_search_per_call_nanos"),
                rs.getInt("batch_discount_percent"));
    }
}
