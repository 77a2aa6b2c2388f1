package org.tandem.change;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;

/**
 * Fresh, migrated databases for tests: a private in-memory H2 in PostgreSQL mode, or a private schema
 * on the PostgreSQL named by {@code TANDEM_TEST_PG_URL} (skipped locally without it, a failure when
 * {@code CI=true}). {@link #close()} removes it.
 */
public final class TestDatabases implements AutoCloseable {

    private final String url;
    private final Runnable drop;

    private TestDatabases(String url, Runnable drop) {
        this.url = url;
        this.drop = drop;
    }

    public static TestDatabases h2() {
        String url = "jdbc:h2:mem:tandem-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        TestDatabases db = new TestDatabases(url, () -> execute(url, "SHUTDOWN"));
        db.migrate(null);
        return db;
    }

    /** The PostgreSQL URL given to the tests; aborts (skips) the test locally when there is none. */
    public static String postgresUrl() {
        String url = System.getenv("TANDEM_TEST_PG_URL");
        if (url == null || url.isBlank()) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("TANDEM_TEST_PG_URL is not set on CI; source scripts/pg-test.sh");
            }
            Assumptions.abort("TANDEM_TEST_PG_URL is not set; PostgreSQL tests skipped");
        }
        return url;
    }

    public static TestDatabases postgres() {
        String base = postgresUrl();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute(base, "CREATE SCHEMA " + schema);
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        TestDatabases db = new TestDatabases(url, () -> execute(base, "DROP SCHEMA " + schema + " CASCADE"));
        db.migrate(schema);
        return db;
    }

    private void migrate(String schema) {
        var config = Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration");
        if (schema != null) {
            config.schemas(schema);
        }
        config.load().migrate();
    }

    public String url() {
        return url;
    }

    public Jdbi jdbi() {
        return Jdbi.create(url);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url);
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        drop.run();
    }
}
