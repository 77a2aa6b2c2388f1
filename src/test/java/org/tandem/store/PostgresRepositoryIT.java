package org.tandem.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * The repository suite on PostgreSQL, at {@code TANDEM_TEST_PG_URL} (scripts/pg-test.sh starts one).
 * Skipped when the variable is missing locally; a failure when {@code CI=true}. Each test gets its own schema.
 */
class PostgresRepositoryIT extends AbstractRepositoryTest {

    private static final String URL = System.getenv("TANDEM_TEST_PG_URL");
    private String schema;

    @BeforeAll
    static void requirePostgres() {
        if ("true".equals(System.getenv("CI")) && (URL == null || URL.isEmpty())) {
            throw new IllegalStateException("CI=true but TANDEM_TEST_PG_URL is not set; run via scripts/test");
        }
        assumeTrue(URL != null && !URL.isEmpty(), "TANDEM_TEST_PG_URL not set; skipping PostgreSQL repository tests");
    }

    @Override
    protected String freshDatabase() {
        schema = "t_" + UUID.randomUUID().toString().replace("-", "");
        execute("CREATE SCHEMA " + schema);
        return URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    @Override
    protected void dropDatabase() {
        if (schema != null) {
            execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(URL); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }
}
