package dev.headroom.core.db;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;

/**
 * Several queries sent to PostgreSQL together and answered together: one round trip instead of one
 * each (issue 15: on a busy node a settlement group's time was mostly its round trips, each a wait
 * for two processes to be scheduled). The driver sends them as one message and PostgreSQL runs them
 * in the order given, each a statement of its own — with its own snapshot, so a query after one
 * that locks rows sees what the lock waited for.
 */
public final class RoundTrip {
    private RoundTrip() {}

    /** One query of a round trip: its SQL (one statement), parameters and how its rows are read. */
    public static final class Query<T> {
        private final String sql;
        private final Object[] params;
        private final ResultSetExtractor<T> reader;
        private T result;
        private boolean ran;

        public Query(String sql, ResultSetExtractor<T> reader, Object... params) {
            this.sql = sql;
            this.reader = reader;
            this.params = params.clone();
        }

        /** What its rows were read into; only after {@link #run}. */
        public T result() {
            if (!ran) {
                throw new IllegalStateException("The query has not run.");
            }
            return result;
        }

        private void read(ResultSet rows) throws SQLException {
            result = reader.extractData(rows);
            ran = true;
        }
    }

    /** Runs the queries in one round trip, in this order, in the caller's transaction. */
    public static void run(JdbcTemplate jdbc, List<Query<?>> queries) {
        List<String> statements = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        for (Query<?> query : queries) {
            statements.add(query.sql);
            params.addAll(Arrays.asList(query.params));
        }
        String sql = String.join(";\n", statements);
        jdbc.execute(
                (java.sql.Connection connection) -> {
                    PreparedStatement statement = connection.prepareStatement(sql);
                    for (int i = 0; i < params.size(); i++) {
                        StatementCreatorUtils.setParameterValue(
                                statement, i + 1, SqlTypeValue.TYPE_UNKNOWN, params.get(i));
                    }
                    return statement;
                },
                (PreparedStatement statement) -> {
                    boolean rows = statement.execute();
                    for (Query<?> query : queries) {
                        if (!rows) {
                            throw new IllegalStateException(
                                    "A query of a round trip gave no rows.");
                        }
                        try (ResultSet set = Objects.requireNonNull(statement.getResultSet())) {
                            query.read(set);
                        }
                        rows = statement.getMoreResults();
                    }
                    return null;
                });
    }
}
