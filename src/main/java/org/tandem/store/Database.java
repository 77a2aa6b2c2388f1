package org.tandem.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.tandem.common.UserError;

/**
 * Central's database: a connection pool, the schema migrated to the newest version, and a Jdbi on top.
 * The embedded default is a SQLite file in the data directory; a PostgreSQL JDBC URL selects PostgreSQL.
 */
public final class Database implements AutoCloseable {

    /** The database engines Central runs on. */
    public enum Kind { SQLITE, POSTGRESQL }

    /** The embedded database's file in the data directory. */
    public static final String EMBEDDED_FILE = "tandem.db";

    /**
     * How long a SQLite writer waits for the one before it. Writes are short (the DHCP servers are contacted outside
     * any transaction), so only a stalled disk reaches this.
     */
    static final int BUSY_TIMEOUT_MS = 30_000;

    /** Temporary databases ({@link #temporaryUrl}) and how many open Databases use each: the last to close removes it. */
    private static final Map<Path, Integer> TEMPORARY = new ConcurrentHashMap<>();

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final String url;
    private final Kind kind;
    private final Path file;
    private final DatabaseHealth health;

    /** @param migrateTo the schema version to migrate to, or null for the newest */
    private Database(String url, String migrateTo) {
        this.url = url;
        this.kind = kindOf(url);
        this.file = kind == Kind.SQLITE ? sqliteFile(url) : null;
        this.health = new DatabaseHealth(kind, url, file);
        try {
            this.dataSource = pool(url, migrateTo);
        } catch (RuntimeException e) {
            // A database that cannot be created, opened or migrated for the disk's sake says so, naming the file.
            throw health.explain(e).map(t -> (RuntimeException) new UserError(UserError.Kind.STORAGE, null, t.startMessage(), e)).orElse(e);
        }
        this.jdbi = Jdbi.create(dataSource);
        if (kind == Kind.SQLITE) {
            jdbi.setTransactionHandler(new SqliteWriterLock(jdbi.getTransactionHandler(), BUSY_TIMEOUT_MS));
        }
        health.attach(jdbi);
    }

    private HikariDataSource pool(String url, String migrateTo) {
        HikariConfig config = new HikariConfig();
        if (kind == Kind.SQLITE) {
            createPrivately(file);
            config.setDataSource(sqlite(url));
            // One writer at a time is SQLite's rule; readers run beside it in WAL mode.
            config.setMaximumPoolSize(8);
        } else {
            config.setJdbcUrl(url);
            config.setMaximumPoolSize(16);
        }
        // Open more connections only as load needs them: filling the pool up front slows start-up.
        config.setMinimumIdle(2);
        config.setPoolName("tandem-db");
        HikariDataSource pool = new HikariDataSource(config);
        try {
            var flyway = Flyway.configure().dataSource(pool).locations(migrations(kind));
            if (migrateTo != null) {
                flyway.target(migrateTo);
            }
            flyway.load().migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    /** Opens (creating and migrating when needed) the database at a JDBC URL: jdbc:sqlite:FILE or jdbc:postgresql:. */
    public static Database open(String jdbcUrl) {
        return new Database(jdbcUrl, null);
    }

    /**
     * Opens the database at a JDBC URL migrated to {@code version} only, for a copy from an older schema ({@link H2Import}):
     * the rows go in at the version they were written for, and the migrations after it move them as they move everyone's.
     */
    static Database openAtVersion(String jdbcUrl, String version) {
        return new Database(jdbcUrl, version);
    }

    /** The engine a JDBC URL names; anything but SQLite and PostgreSQL is refused, naming the URL's scheme. */
    public static Kind kindOf(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:sqlite:")) {
            return Kind.SQLITE;
        }
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            return Kind.POSTGRESQL;
        }
        int colon = jdbcUrl.indexOf(':', "jdbc:".length());
        throw new IllegalArgumentException("the database URL must start with jdbc:postgresql: or jdbc:sqlite:, not "
                + (colon < 0 ? jdbcUrl : jdbcUrl.substring(0, colon + 1)));
    }

    /**
     * The migrations of one engine: its own folder (SQLite cannot replay PostgreSQL's ALTER TABLE history, so it starts
     * from a schema written for it at V75) and {@code common}, for later migrations both accept.
     */
    public static String[] migrations(Kind kind) {
        return new String[] {"classpath:db/migration/common", "classpath:db/migration/" + kind.name().toLowerCase()};
    }

    /** The default embedded database: {@value #EMBEDDED_FILE} in the data directory. */
    public static String embeddedUrl(Path dataDir) {
        return "jdbc:sqlite:" + embeddedFile(dataDir);
    }

    public static Path embeddedFile(Path dataDir) {
        return dataDir.toAbsolutePath().resolve(EMBEDDED_FILE);
    }

    /**
     * A private SQLite database in a temporary file, for tests and benchmarks: removed with its WAL when the last
     * Database opened on it closes.
     */
    public static String temporaryUrl(String name) {
        Path dir = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm"))
                ? Path.of("/dev/shm") : Path.of(System.getProperty("java.io.tmpdir"));
        Path path = dir.resolve("tandem-" + name.replaceAll("[^A-Za-z0-9-]", "_") + "-" + UUID.randomUUID() + ".db");
        TEMPORARY.put(path, 0);
        return "jdbc:sqlite:" + path;
    }

    /**
     * SQLite as Central needs it: WAL (readers do not wait for the writer), synchronous=FULL (a commit returns after
     * the WAL is fsync'd, so neither a killed process nor a power cut loses an acknowledged write), foreign keys
     * enforced, LIKE case-sensitive as on PostgreSQL, and every transaction BEGIN IMMEDIATE: it takes the write lock
     * at its start, waiting the busy timeout, instead of failing with SQLITE_BUSY when a read turns into a write.
     * secure_delete: what an UPDATE or DELETE replaced (a clear agent token an older Tandem stored, a session's hash)
     * is zeroed rather than left readable in the file's free space.
     */
    private static SQLiteDataSource sqlite(String url) {
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        config.enforceForeignKeys(true);
        config.enableCaseSensitiveLike(true);
        config.setBusyTimeout(BUSY_TIMEOUT_MS);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        SQLiteDataSource source = new SQLiteDataSource(config);
        source.setUrl(url);
        return source;
    }

    /** The file a jdbc:sqlite: URL names; a URL of no file (:memory:, :resource:) is refused naming it. */
    public static Path sqliteFile(String url) {
        String rest = url.substring("jdbc:sqlite:".length());
        int query = rest.indexOf('?');
        String name = query < 0 ? rest : rest.substring(0, query);
        if (name.startsWith("file:")) {
            name = name.substring("file:".length());
        }
        if (name.isEmpty() || name.equals(":memory:") || name.startsWith(":resource:")) {
            throw new IllegalArgumentException("the SQLite database must be a file (jdbc:sqlite:/path/to/tandem.db), not " + url);
        }
        return Path.of(name).toAbsolutePath();
    }

    /** A new database file 0600 before SQLite opens it (its WAL and shared-memory files take the same mode). */
    private static void createPrivately(Path file) {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException | UnsupportedOperationException e) {
            // An existing database keeps its file; a file system without POSIX modes keeps its own.
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the database file " + file + ": " + e.getMessage(), e);
        }
        TEMPORARY.computeIfPresent(file, (f, users) -> users + 1);
    }

    /** Whether Central can write this database now; its probe; the storage failures it recognises. */
    public DatabaseHealth health() {
        return health;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public String url() {
        return url;
    }

    public Kind kind() {
        return kind;
    }

    /** The SQLite database file; empty on PostgreSQL. */
    public java.util.Optional<Path> file() {
        return java.util.Optional.ofNullable(file);
    }

    @Override
    public void close() {
        dataSource.close();
        if (file != null && TEMPORARY.computeIfPresent(file, (f, users) -> users - 1) instanceof Integer left && left <= 0) {
            TEMPORARY.remove(file);
            for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
                try {
                    Files.deleteIfExists(Path.of(file + suffix));
                } catch (IOException e) {
                    // A temporary file left in the temp directory is not worth failing a test's close over.
                }
            }
        }
    }
}
