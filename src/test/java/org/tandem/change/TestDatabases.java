package org.tandem.change;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Assumptions;
import org.tandem.store.Database;

/**
 * Fresh, migrated databases for tests: a private SQLite file opened as Central opens its own, or a private schema
 * on the PostgreSQL named by {@code TANDEM_TEST_PG_URL} (skipped locally without it, a failure when
 * {@code CI=true}). {@link #close()} removes it.
 */
public final class TestDatabases implements AutoCloseable {

    private final String url;
    private final Runnable drop;
    private final Jdbi jdbi;
    private final Runnable migrateToNewest;

    private TestDatabases(String url, Runnable drop, Jdbi jdbi, Runnable migrateToNewest) {
        this.url = url;
        this.drop = drop;
        this.jdbi = jdbi;
        this.migrateToNewest = migrateToNewest;
    }

    /** SQLite with Central's settings (WAL, foreign keys, busy timeout), removed on close. */
    public static TestDatabases sqlite() {
        Database db = Database.open(Database.temporaryUrl("journal"));
        return new TestDatabases(db.url(), db::close, db.jdbi(), () -> { });
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
        return postgresAt(null);
    }

    /**
     * A private PostgreSQL schema migrated to {@code version} only (null: the newest), as a Tandem of that version left
     * it; {@link #migrateToNewest()} then runs the later migrations on what a test put in.
     */
    public static TestDatabases postgresAt(String version) {
        String base = postgresUrl();
        String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        execute(base, "CREATE SCHEMA " + schema);
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        migrate(url, schema, version);
        return new TestDatabases(url, () -> execute(base, "DROP SCHEMA " + schema + " CASCADE"), Jdbi.create(url),
                () -> migrate(url, schema, null));
    }

    private static void migrate(String url, String schema, String version) {
        var flyway = Flyway.configure().dataSource(url, null, null).locations(Database.migrations(Database.Kind.POSTGRESQL)).schemas(schema);
        if (version != null) {
            flyway.target(version);
        }
        flyway.load().migrate();
    }

    /** Runs every migration this Tandem has that the database has not run yet. */
    public void migrateToNewest() {
        migrateToNewest.run();
    }

    public String url() {
        return url;
    }

    public Jdbi jdbi() {
        return jdbi;
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
