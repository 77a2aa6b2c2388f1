package org.tandem.store;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.jdbi.v3.core.Handle;
import org.tandem.common.UserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the embedded H2 database of an older Tandem ({@value #H2_FILE} in the data directory) into SQLite once, and keeps
 * the H2 file beside it as a backup. Until every row is copied and counted nothing in the directory changes.
 */
public final class H2Import {

    /** The older Tandem's embedded database file (H2 2.x MVStore). */
    public static final String H2_FILE = "tandem.mv.db";

    /** The schema version the SQLite schema starts from: H2 is migrated up to it, never past it. */
    static final String SQLITE_BASE_VERSION = "75";

    private static final Logger log = LoggerFactory.getLogger(H2Import.class);

    /** H2's own base name of the copy the import migrates and reads ({@code .mv.db} is appended by H2). */
    private static final String WORK_COPY = "tandem-h2-import";
    /** The SQLite database being filled; renamed to tandem.db only when everything is copied and counted. */
    private static final String TEMPORARY_SQLITE = Database.EMBEDDED_FILE + ".h2-import";
    private static final int BATCH = 500;
    private static final String IN_USE = "the file is in use by another process (an older Tandem Central still running?); stop it and start again";
    /** H2's error codes (org.h2.api.ErrorCode) that a person can act on. */
    private static final int H2_DATABASE_IN_USE = 90020;
    private static final int H2_FILE_CORRUPTED = 90030;
    private static final int H2_FILE_VERSION = 90048;

    /** What one import did: the rows of each table, in copy order, and where the H2 file is kept. */
    public record Result(Path h2File, Path sqliteFile, Map<String, Long> rows, Path backup) {
        public long totalRows() {
            return rows.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private H2Import() {
    }

    /**
     * Imports when the data directory has {@value #H2_FILE} and no tandem.db, saying so on {@code out}; does nothing (empty)
     * otherwise. A failure leaves the H2 file as it was and writes no tandem.db, and is a {@link UserError} naming the
     * file and the cause.
     */
    public static Optional<Result> runIfNeeded(Path dataDir, Clock clock, PrintStream out) {
        Path dir = dataDir.toAbsolutePath();
        Path h2 = dir.resolve(H2_FILE);
        Path sqlite = Database.embeddedFile(dir);
        if (!Files.isRegularFile(h2)) {
            return Optional.empty();
        }
        if (Files.exists(sqlite)) {
            // Moved before (and the H2 file put back by hand?): the SQLite database is the one Central runs on.
            log.warn("{} is not read: {} exists and is Central's database", h2, sqlite);
            return Optional.empty();
        }
        Result result = importInto(h2, sqlite);
        Path backup = dir.resolve(H2_FILE + ".h2-backup-" + SqliteBackup.stamp(clock));
        try {
            Files.move(h2, backup, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // tandem.db holds everything now; the H2 file is no longer read, so this is worth a warning, not a stop.
            out.println("Warning: could not rename " + h2 + " to " + backup + " (" + e.getMessage() + "); it is no longer used"
                    + " and can be moved away by hand.");
            backup = h2;
        }
        result = new Result(result.h2File(), result.sqliteFile(), result.rows(), backup);
        out.println("Moved the H2 database " + h2 + " to SQLite " + sqlite + ": " + result.totalRows() + " rows in "
                + result.rows().size() + " tables. The H2 file is kept as " + backup + "; remove it once Central runs well.");
        out.flush();
        return Optional.of(result);
    }

    /** Copies H2 into a new SQLite file at {@code sqlite}; on any failure removes what it wrote and throws a UserError. */
    static Result importInto(Path h2, Path sqlite) {
        Path dir = sqlite.getParent();
        Path work = dir.resolve(WORK_COPY + ".mv.db");
        Path temporary = dir.resolve(TEMPORARY_SQLITE);
        // Left by an import that was killed: never a database anyone runs on.
        removeQuietly(work, Path.of(dir.resolve(WORK_COPY) + ".trace.db"));
        removeSqlite(temporary);
        try {
            copyWhileNoH2Writes(h2, work);
            Map<String, Long> rows;
            try (Connection source = openH2(work)) {
                migrateToSqliteBase(source, work);
                try (Database target = Database.openAtVersion("jdbc:sqlite:" + temporary, SQLITE_BASE_VERSION)) {
                    rows = copy(source, target);
                }
                // The migrations after SQLite's base move the copied rows (V76: the change journal's configs).
                Database.open("jdbc:sqlite:" + temporary).close();
            }
            if (Files.exists(Path.of(temporary + "-wal")) && Files.size(Path.of(temporary + "-wal")) > 0) {
                throw new IllegalStateException("SQLite left a write-ahead log beside " + temporary + " after closing it");
            }
            removeQuietly(Path.of(temporary + "-wal"), Path.of(temporary + "-shm"));
            Files.move(temporary, sqlite, StandardCopyOption.ATOMIC_MOVE);
            SqliteBackup.syncDirectory(dir);
            return new Result(h2, sqlite, rows, null);
        } catch (Refusal e) {
            throw failed(h2, e.getMessage(), e);
        } catch (SQLException e) {
            // H2 names the file it opened: the copy, which is gone by the time anyone reads this.
            throw failed(h2, h2Cause(e).replace(work.toString(), h2.toString()), e);
        } catch (IOException e) {
            throw failed(h2, "cannot copy a file in " + dir + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (e instanceof UserError) {
                throw e;
            }
            throw failed(h2, rootMessage(e), e);
        } finally {
            removeQuietly(work, Path.of(dir.resolve(WORK_COPY) + ".trace.db"));
            removeSqlite(temporary);
        }
    }

    /**
     * Copies the H2 file while holding a shared lock on it. H2 holds an exclusive lock on its file while a database is
     * open (an older Central running), so the lock fails then, and while it is held no H2 can open the file to write it.
     * The import reads and migrates the copy only: a failure leaves the original exactly as it was.
     */
    private static void copyWhileNoH2Writes(Path h2, Path work) throws IOException, Refusal {
        try (FileChannel channel = FileChannel.open(h2, StandardOpenOption.READ)) {
            FileLock lock;
            try {
                lock = channel.tryLock(0, Long.MAX_VALUE, true);
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new Refusal(IN_USE);
            }
            try (FileLock held = lock) {
                Files.copy(h2, work, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static UserError failed(Path h2, String cause, Exception e) {
        return new UserError(UserError.Kind.INVALID_INPUT, null, "cannot move the H2 database " + h2 + " of an older Tandem to SQLite: "
                + cause + ". Nothing was changed: " + h2.getFileName() + " is as it was and no " + Database.EMBEDDED_FILE
                + " was written.", e);
    }

    /** The older Tandem's URL, with the settings its files were written with. */
    private static Connection openH2(Path mvFile) throws SQLException {
        // Older Tandem let Hikari open H2 without credentials: its user is "" with an empty password.
        return DriverManager.getConnection(h2Url(mvFile), "", "");
    }

    /** The URL older Tandem opened its H2 file with (H2 appends .mv.db to the name), never creating one. */
    static String h2Url(Path mvFile) {
        String name = mvFile.toString();
        String base = name.substring(0, name.length() - ".mv.db".length());
        return "jdbc:h2:file:" + base + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;IFEXISTS=TRUE";
    }

    /** What H2 said, in words a person can act on. */
    private static String h2Cause(SQLException e) {
        return switch (e.getErrorCode()) {
            case H2_DATABASE_IN_USE -> IN_USE;
            case H2_FILE_CORRUPTED, H2_FILE_VERSION -> "the file is damaged or not an H2 database (" + firstLine(e.getMessage()) + ")";
            default -> firstLine(e.getMessage());
        };
    }

    /**
     * Brings the H2 schema to {@value #SQLITE_BASE_VERSION}, where SQLite's schema starts: H2 in PostgreSQL mode ran the
     * same PostgreSQL migrations, so Flyway's checksums match the files it recorded.
     */
    private static void migrateToSqliteBase(Connection source, Path work) throws SQLException, Refusal {
        if (!tables(source).contains("flyway_schema_history")) {
            // Also what H2 opens when no chunk of the file can be read: it falls back to an empty store.
            throw new Refusal("it holds no Tandem tables (no flyway_schema_history): the file is damaged or not a Tandem database");
        }
        Flyway flyway = Flyway.configure()
                .dataSource(h2Url(work), "", "")
                .locations("classpath:db/migration/postgresql")
                .target(SQLITE_BASE_VERSION)
                .load();
        MigrationInfo current = flyway.info().current();
        MigrationVersion base = MigrationVersion.fromVersion(SQLITE_BASE_VERSION);
        if (current == null || current.getVersion() == null) {
            throw new Refusal("its flyway_schema_history records no migration, so it is not a Tandem database");
        }
        if (current.getVersion().isNewerThan(base)) {
            throw new Refusal("its schema version " + current.getVersion() + " is newer than " + base
                    + ", which no Tandem that ran on H2 wrote");
        }
        if (current.getVersion().equals(base)) {
            return;
        }
        log.info("Migrating the H2 database from schema version {} to {} before moving it", current.getVersion(), base);
        flyway.migrate();
    }

    /**
     * Copies every table of the SQLite schema (but Flyway's history, which SQLite keeps its own of) from H2 in one SQLite
     * transaction, keeping every id so Micetro refs stay valid, and counts each table on both sides before committing.
     */
    private static Map<String, Long> copy(Connection source, Database target) throws SQLException, Refusal {
        Set<String> h2Tables = tables(source);
        h2Tables.remove("flyway_schema_history");
        Map<String, Long> rows = new LinkedHashMap<>();
        try (Handle handle = target.jdbi().open()) {
            Connection sqlite = handle.getConnection();
            sqlite.setAutoCommit(false);
            try {
                // Tables are copied in creation order, parents first; deferring also lets a later migration's order differ.
                exec(sqlite, "PRAGMA defer_foreign_keys = ON");
                List<String> sqliteTables = sqliteTables(sqlite);
                for (String table : h2Tables) {
                    if (!sqliteTables.contains(table)) {
                        throw new Refusal("its table " + table + " has no place in this Tandem's SQLite schema");
                    }
                }
                for (String table : sqliteTables) {
                    if (!h2Tables.contains(table)) {
                        // A table a later migration added: nothing to copy into it.
                        continue;
                    }
                    rows.put(table, copyTable(source, sqlite, table));
                }
                checkForeignKeys(sqlite);
                for (String table : rows.keySet()) {
                    raiseSequence(source, sqlite, table);
                }
                sqlite.commit();
            } catch (SQLException | Refusal | RuntimeException e) {
                sqlite.rollback();
                throw e;
            } finally {
                sqlite.setAutoCommit(true);
            }
        }
        rows.forEach((table, n) -> log.info("moved {} rows of {}", n, table));
        return rows;
    }

    private static long copyTable(Connection source, Connection sqlite, String table) throws SQLException, Refusal {
        List<String> h2Columns = columns(source, table);
        List<String> sqliteColumns = sqliteColumns(sqlite, table);
        for (String c : h2Columns) {
            if (!sqliteColumns.contains(c)) {
                throw new Refusal("its column " + table + "." + c + " has no place in this Tandem's SQLite schema");
            }
        }
        // Columns a later SQLite migration added keep their defaults.
        String list = String.join(", ", h2Columns);
        // The seed row of write_lock (and any other a migration inserted) gives way to H2's.
        exec(sqlite, "DELETE FROM " + table);
        long copied = 0;
        try (Statement read = source.createStatement();
             ResultSet rs = read.executeQuery("SELECT " + list + " FROM " + table);
             PreparedStatement insert = sqlite.prepareStatement("INSERT INTO " + table + " (" + list + ") VALUES ("
                     + "?, ".repeat(h2Columns.size() - 1) + "?)")) {
            ResultSetMetaData meta = rs.getMetaData();
            List<Object> firstOfBatch = null;
            while (rs.next()) {
                List<Object> row = new ArrayList<>(h2Columns.size());
                for (int i = 1; i <= h2Columns.size(); i++) {
                    Object value = value(rs, i, meta.getColumnType(i), table, h2Columns.get(i - 1));
                    row.add(value);
                    insert.setObject(i, value);
                }
                if (firstOfBatch == null) {
                    firstOfBatch = row;
                }
                insert.addBatch();
                copied++;
                if (copied % BATCH == 0) {
                    executeBatch(insert, table, h2Columns, firstOfBatch);
                    firstOfBatch = null;
                }
            }
            if (firstOfBatch != null) {
                executeBatch(insert, table, h2Columns, firstOfBatch);
            }
        }
        long inH2 = count(source, table);
        long inSqlite = count(sqlite, table);
        if (inH2 != copied || inSqlite != copied) {
            throw new Refusal("table " + table + " has " + inH2 + " rows in H2, " + copied + " were read and " + inSqlite
                    + " are in SQLite");
        }
        return copied;
    }

    private static void executeBatch(PreparedStatement insert, String table, List<String> columns, List<Object> first)
            throws SQLException, Refusal {
        try {
            insert.executeBatch();
        } catch (SQLException e) {
            // A batch fails as a whole; naming its first row's key points a person at where to look.
            throw new Refusal("SQLite refused a row of " + table + " (from " + columns.getFirst() + " = " + first.getFirst()
                    + "): " + firstLine(e.getMessage()));
        }
    }

    /**
     * One H2 value as SQLite stores it: booleans as 0/1, timestamps as epoch milliseconds (as sqlite-jdbc binds a
     * java.sql.Timestamp, which is how JdbiChangeJournal writes and reads them), text and numbers as they are.
     */
    private static Object value(ResultSet rs, int i, int type, String table, String column) throws SQLException {
        return switch (type) {
            case Types.BOOLEAN, Types.BIT -> {
                boolean b = rs.getBoolean(i);
                yield rs.wasNull() ? null : (b ? 1 : 0);
            }
            case Types.TIMESTAMP_WITH_TIMEZONE -> {
                OffsetDateTime at = rs.getObject(i, OffsetDateTime.class);
                yield at == null ? null : at.toInstant().toEpochMilli();
            }
            case Types.TIMESTAMP -> {
                Timestamp at = rs.getTimestamp(i);
                yield at == null ? null : at.getTime();
            }
            case Types.BIGINT, Types.INTEGER, Types.SMALLINT, Types.TINYINT -> {
                long n = rs.getLong(i);
                yield rs.wasNull() ? null : n;
            }
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR, Types.CLOB,
                 Types.NCLOB -> rs.getString(i);
            // Tandem's schema has no other types; a new one must be taught here, not guessed.
            default -> throw new IllegalStateException("H2Import does not know the SQL type " + type + " of " + table + "." + column);
        };
    }

    /** With foreign keys deferred, a dangling reference would only fail the commit, without saying where. */
    private static void checkForeignKeys(Connection sqlite) throws SQLException, Refusal {
        try (Statement s = sqlite.createStatement(); ResultSet rs = s.executeQuery("PRAGMA foreign_key_check")) {
            if (rs.next()) {
                throw new Refusal("SQLite refused row " + rs.getLong(2) + " of " + rs.getString(1) + ": it refers to a row of "
                        + rs.getString(3) + " that does not exist");
            }
        }
    }

    /**
     * AUTOINCREMENT tables hand out ids above sqlite_sequence: it is raised to H2's next identity value, so an id H2 gave
     * to an object since removed (and its Micetro ref) is not handed out again, as H2 would not have either.
     */
    private static void raiseSequence(Connection source, Connection sqlite, String table) throws SQLException {
        long used = 0;
        try (PreparedStatement q = source.prepareStatement("SELECT identity_base FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = ? AND is_identity = 'YES'")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                used = rs.getLong(1) - 1;
            }
        }
        if (!autoincrement(sqlite, table)) {
            return;
        }
        try (PreparedStatement u = sqlite.prepareStatement("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?")) {
            u.setLong(1, used);
            u.setString(2, table);
            if (u.executeUpdate() == 0) {
                try (PreparedStatement i = sqlite.prepareStatement("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)")) {
                    i.setString(1, table);
                    i.setLong(2, used);
                    i.executeUpdate();
                }
            }
        }
    }

    private static boolean autoincrement(Connection sqlite, String table) throws SQLException {
        try (PreparedStatement q = sqlite.prepareStatement("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next() && rs.getString(1).toUpperCase().contains("AUTOINCREMENT");
            }
        }
    }

    private static Set<String> tables(Connection h2) throws SQLException {
        Set<String> names = new LinkedHashSet<>();
        try (Statement s = h2.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static List<String> columns(Connection h2, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement q = h2.prepareStatement("SELECT column_name FROM information_schema.columns"
                + " WHERE table_schema = 'public' AND table_name = ? ORDER BY ordinal_position")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** The tables of the SQLite schema in the order they were created (parents before the tables referring to them). */
    static List<String> sqliteTables(Connection sqlite) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = sqlite.createStatement(); ResultSet rs = s.executeQuery("SELECT name FROM sqlite_schema WHERE type = 'table'"
                + " AND name NOT LIKE 'sqlite_%' AND name <> 'flyway_schema_history' ORDER BY rowid")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static List<String> sqliteColumns(Connection sqlite, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement s = sqlite.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                names.add(rs.getString("name"));
            }
        }
        return names;
    }

    static long count(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void removeSqlite(Path file) {
        removeQuietly(file, Path.of(file + "-wal"), Path.of(file + "-shm"), Path.of(file + "-journal"));
    }

    private static void removeQuietly(Path... files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                log.warn("cannot remove {}: {}", f, e.getMessage());
            }
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "no message";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return firstLine(root.getMessage());
    }

    /** A reason the import stops, in words for the person starting Central. */
    private static final class Refusal extends Exception {
        Refusal(String message) {
            super(message);
        }
    }
}
