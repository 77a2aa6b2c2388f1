package org.tandem.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;

/**
 * Central's database: a connection pool, the schema migrated to the newest version, and a Jdbi on top.
 * The embedded H2 file database is the default; a PostgreSQL JDBC URL selects PostgreSQL.
 */
public final class Database implements AutoCloseable {

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String url;

    private Database(String url, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(poolSize);
        // Open more connections only as load needs them: filling the pool up front slows start-up.
        config.setMinimumIdle(2);
        config.setPoolName("tandem-db");
        this.url = url;
        this.dataSource = new HikariDataSource(config);
        try {
            Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        this.jdbi = Jdbi.create(dataSource);
    }

    /** Opens (creating and migrating when needed) the database at a JDBC URL. */
    public static Database open(String jdbcUrl) {
        // H2 serialises most work on one file anyway; a small pool keeps its memory down.
        int poolSize = jdbcUrl.startsWith("jdbc:h2:") ? 8 : 16;
        return new Database(jdbcUrl, poolSize);
    }

    /**
     * The default embedded database: an H2 file inside the data directory. {@code WRITE_DELAY=0}: H2
     * otherwise flushes commits up to half a second late, and a Central killed in that window loses
     * the change journal entry that says what to undo on the DHCP servers.
     */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("tandem")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
    }

    /**
     * A private in-memory H2 database, for tests and benchmarks. It lives while the pool holds a
     * connection (Hikari keeps them open) and vanishes when {@link #close()} closes the pool.
     */
    public static String inMemoryUrl(String name) {
        return "jdbc:h2:mem:" + name + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
