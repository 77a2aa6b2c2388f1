package org.tandem.store;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteOpenMode;
import org.tandem.common.UserError;

/**
 * Backups of the embedded SQLite database: a consistent copy taken while Central runs ({@code tandem backup}), the check
 * of such a copy, and putting one back before Central starts ({@code tandem server --restore}).
 */
public final class SqliteBackup {

    /** The tables whose rows a backup's summary counts: what a person recognises of their data. */
    public static final List<String> MAIN_TABLES = List.of("dhcp_servers", "ranges", "dhcp_scopes", "dhcp_address_pools",
            "dhcp_reservations", "dhcp_failover_relationships", "users", "change_log", "change_journal");

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** What a check of a database file found: its size, schema version, number of tables and rows of {@link #MAIN_TABLES}. */
    public record Summary(Path file, long bytes, String schemaVersion, int tables, Map<String, Long> rows) {
        /** Two lines for a person: the file with its size and version, then the rows of the main tables. */
        public String describe() {
            return file + ": " + size(bytes) + ", schema version " + schemaVersion + ", integrity ok, " + tables + " tables\nrows: "
                    + rows.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        }
    }

    /** A restore done: the database now holding the backup, and where the one it replaced is kept (null: there was none). */
    public record Restored(Path database, Path previous, Summary summary) {}

    private SqliteBackup() {
    }

    /**
     * Writes a consistent copy of the SQLite database {@code database} to {@code file} while Central may be writing it:
     * through a temporary file in {@code file}'s directory, checked, 0600, then renamed, so {@code file} is never half
     * written. An existing {@code file} is refused ({@link UserError.Kind#CONFLICT}) unless {@code force}.
     */
    public static Summary backup(Path database, Path file, boolean force) {
        Path source = database.toAbsolutePath();
        Path target = file.toAbsolutePath();
        if (!Files.isRegularFile(source)) {
            String hint = Files.isRegularFile(source.resolveSibling(H2Import.H2_FILE))
                    ? " (the directory holds an older Tandem's H2 database " + H2Import.H2_FILE + ": start tandem server once to move"
                    + " it to SQLite, or copy " + H2Import.H2_FILE + " while Central is stopped)" : "";
            throw new UserError(UserError.Kind.NOT_FOUND, null, "there is no database to back up at " + source + hint);
        }
        if (Files.exists(target) && !force) {
            throw new UserError(UserError.Kind.CONFLICT, null, target + " exists; give --force to replace it");
        }
        if (Files.isDirectory(target)) {
            throw new UserError(UserError.Kind.CONFLICT, null, target + " is a directory; give the backup's file name");
        }
        if (!Files.isDirectory(target.getParent())) {
            throw new UserError(UserError.Kind.NOT_FOUND, null, "the directory " + target.getParent() + " of " + target + " does not exist");
        }
        if (Files.exists(target) && isSameFile(source, target)) {
            throw new UserError(UserError.Kind.CONFLICT, null, target + " is the database itself; give another file");
        }
        Path partial = target.resolveSibling("." + target.getFileName() + ".partial-" + ProcessHandle.current().pid());
        try {
            createPrivately(partial);
            try (Connection c = open(source, false)) {
                vacuumInto(c, partial);
            } catch (SQLException e) {
                throw new UserError(UserError.Kind.INVALID_INPUT, null, "cannot back up " + source + ": " + H2Import.firstLine(e.getMessage()), e);
            }
            Summary checked;
            try {
                checked = check(partial);
            } catch (UserError e) {
                throw new UserError(UserError.Kind.INVALID_INPUT, null, "the copy of " + source + " failed its check, so "
                        + target + " was not written: " + e.getMessage().replace(partial.toString(), "the copy"), e);
            }
            sync(partial);
            if (force) {
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                moveWithoutReplacing(partial, target);
            }
            syncDirectory(target.getParent());
            return new Summary(target, checked.bytes(), checked.schemaVersion(), checked.tables(), checked.rows());
        } catch (IOException e) {
            throw new UserError(UserError.Kind.INVALID_INPUT, null, "cannot write the backup " + target + ": " + e.getMessage(), e);
        } finally {
            removeSqlite(partial);
        }
    }

    /**
     * Copies a database with VACUUM INTO, which reads it in one read transaction: a snapshot of the last commit before it
     * started, taken beside Central's writers (in WAL mode they neither wait for it nor disturb it). SQLite's backup API,
     * which sqlite-jdbc's "backup to" drives, copies a few pages per step and starts over whenever another connection
     * writes the source between steps, so on a Central that keeps writing it may never finish. VACUUM INTO also leaves
     * the free pages out.
     */
    private static void vacuumInto(Connection c, Path into) throws SQLException {
        try (PreparedStatement vacuum = c.prepareStatement("VACUUM INTO ?")) {
            vacuum.setString(1, into.toString());
            vacuum.execute();
        }
    }

    /**
     * Checks that {@code file} is a sound Tandem database this Tandem can run on: SQLite's integrity check, Flyway's
     * history, a schema version no newer than this Tandem's migrations. Leaves it a single file (rollback journal, no
     * WAL) and answers what is in it; a failed check is a {@link UserError} whose message starts with the file's name.
     */
    public static Summary check(Path file) {
        try (Connection c = open(file, false)) {
            // A copy is one file on its own: no -wal to lose when it is moved or mailed.
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA journal_mode = DELETE")) {
                rs.next();
            }
            List<String> problems = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA integrity_check")) {
                while (rs.next()) {
                    problems.add(rs.getString(1));
                }
            }
            if (!problems.equals(List.of("ok"))) {
                throw new UserError(UserError.Kind.INVALID_INPUT, null, file + " fails SQLite's integrity check: "
                        + String.join("; ", problems.subList(0, Math.min(3, problems.size()))));
            }
            List<String> tables = H2Import.sqliteTables(c);
            if (!tableExists(c, "flyway_schema_history")) {
                throw new UserError(UserError.Kind.INVALID_INPUT, null, file + " is a SQLite database but not Tandem's: it has no"
                        + " flyway_schema_history table");
            }
            String version = schemaVersion(c);
            if (version == null) {
                throw new UserError(UserError.Kind.INVALID_INPUT, null, file + " is not a Tandem database: its flyway_schema_history"
                        + " records no migration");
            }
            MigrationVersion known = newestKnownVersion();
            if (MigrationVersion.fromVersion(version).isNewerThan(known)) {
                throw new UserError(UserError.Kind.INVALID_INPUT, null, file + " has schema version " + version
                        + ", newer than this Tandem knows (" + known + "); use the Tandem that wrote it, or a newer one");
            }
            Map<String, Long> rows = new LinkedHashMap<>();
            for (String table : MAIN_TABLES) {
                if (tables.contains(table)) {
                    rows.put(table, H2Import.count(c, table));
                }
            }
            return new Summary(file, Files.size(file), version, tables.size(), rows);
        } catch (SQLException e) {
            if (e.getErrorCode() == SQLiteErrorCode.SQLITE_NOTADB.code) {
                throw new UserError(UserError.Kind.INVALID_INPUT, null, file + " is not a SQLite database", e);
            }
            throw new UserError(UserError.Kind.INVALID_INPUT, null, file + " cannot be read: " + H2Import.firstLine(e.getMessage()), e);
        } catch (IOException e) {
            throw new UserError(UserError.Kind.INVALID_INPUT, null, file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Puts the backup {@code file} in place of the SQLite database of {@code jdbcUrl} before Central starts on it. The backup
     * is copied beside the database and checked first; the database it replaces (its WAL folded in) is kept as
     * {@code NAME.before-restore-TIME}. Refused, changing nothing, for PostgreSQL, for a file that is not a Tandem database
     * this Tandem can run on, and while another process (a running Central) has the database open.
     */
    public static Restored restore(Path file, String jdbcUrl, Clock clock, PrintStream out) {
        if (Database.kindOf(jdbcUrl) != Database.Kind.SQLITE) {
            throw new UserError(UserError.Kind.CONFLICT, "--restore", "--restore puts back a backup of the embedded SQLite database"
                    + " (tandem backup); this Central runs on PostgreSQL (--db): restore that with pg_restore or psql from pg_dump");
        }
        Path database = Database.sqliteFile(jdbcUrl);
        Path backup = file.toAbsolutePath();
        if (!Files.isRegularFile(backup)) {
            throw new UserError(UserError.Kind.NOT_FOUND, "--restore", "--restore: " + backup + " is not a file");
        }
        if (Files.exists(database) && isSameFile(backup, database)) {
            throw new UserError(UserError.Kind.CONFLICT, "--restore", "--restore: " + backup + " is the database itself; give a backup");
        }
        Path incoming = database.resolveSibling(database.getFileName() + ".restore-" + ProcessHandle.current().pid());
        try {
            removeSqlite(incoming);
            createPrivately(incoming);
            // VACUUM INTO reads the backup through SQLite (with any -wal beside it) and leaves the original untouched.
            try (Connection c = open(backup, true)) {
                vacuumInto(c, incoming);
            } catch (SQLException e) {
                if (e.getErrorCode() == SQLiteErrorCode.SQLITE_NOTADB.code) {
                    throw new UserError(UserError.Kind.INVALID_INPUT, "--restore", "--restore: " + backup + " is not a SQLite database", e);
                }
                throw new UserError(UserError.Kind.INVALID_INPUT, "--restore", "--restore: " + backup + " cannot be read: "
                        + H2Import.firstLine(e.getMessage()), e);
            }
            Summary summary;
            try {
                summary = check(incoming);
            } catch (UserError e) {
                throw new UserError(e.kind(), "--restore", "--restore: " + e.getMessage().replace(incoming.toString(), backup.toString()), e);
            }
            Path previous = null;
            if (Files.exists(database)) {
                foldInWhileNobodyUsesIt(database);
                previous = database.resolveSibling(database.getFileName() + ".before-restore-" + stamp(clock));
                Files.move(database, previous, StandardCopyOption.ATOMIC_MOVE);
                Files.deleteIfExists(Path.of(database + "-shm"));
            }
            Files.move(incoming, database, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory(database.getParent());
            out.println("Restored " + backup + " into " + database + " (schema version " + summary.schemaVersion() + ")"
                    + (previous == null ? "." : "; the database it replaced is kept as " + previous + "."));
            out.flush();
            return new Restored(database, previous, new Summary(database, summary.bytes(), summary.schemaVersion(), summary.tables(),
                    summary.rows()));
        } catch (IOException e) {
            throw new UserError(UserError.Kind.INVALID_INPUT, "--restore", "--restore: cannot write in " + database.getParent() + ": "
                    + e.getMessage(), e);
        } finally {
            removeSqlite(incoming);
        }
    }

    /**
     * Proves no other connection has the database open and folds its WAL into it, so the file alone is the whole
     * database. A Central keeps connections open, and in WAL mode every open connection holds a shared lock on the
     * database file; EXCLUSIVE locking mode makes this connection's first read take the exclusive lock instead, which
     * fails at once (busy timeout 0) while any of them is open. This is a probe, not a lock: a Central started between it
     * and the rename that follows is not seen.
     */
    private static void foldInWhileNobodyUsesIt(Path database) throws IOException {
        SQLiteConfig config = baseConfig(false);
        config.setBusyTimeout(0);
        config.setLockingMode(SQLiteConfig.LockingMode.EXCLUSIVE);
        config.setTransactionMode(SQLiteConfig.TransactionMode.EXCLUSIVE);
        try (Connection c = config.createConnection("jdbc:sqlite:" + database)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM sqlite_schema")) {
                rs.next();
            }
            c.commit();
            c.setAutoCommit(true);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                if (rs.next() && rs.getInt(1) != 0) {
                    throw new UserError(UserError.Kind.CONFLICT, "--restore", "--restore: " + database + " is in use by another"
                            + " process (a Tandem Central running on it?): stop it before restoring");
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() == SQLiteErrorCode.SQLITE_BUSY.code || e.getErrorCode() == SQLiteErrorCode.SQLITE_LOCKED.code) {
                throw new UserError(UserError.Kind.CONFLICT, "--restore", "--restore: " + database + " is in use by another process"
                        + " (a Tandem Central running on it?): stop it before restoring", e);
            }
            throw new UserError(UserError.Kind.INVALID_INPUT, "--restore", "--restore: the current database " + database
                    + " cannot be read: " + H2Import.firstLine(e.getMessage()), e);
        }
        Path wal = Path.of(database + "-wal");
        if (Files.exists(wal) && Files.size(wal) > 0) {
            throw new IllegalStateException("SQLite left " + wal + " after a checkpoint and close");
        }
        Files.deleteIfExists(wal);
    }

    /** The newest schema version among this Tandem's SQLite migrations: what a database it migrated says it has. */
    public static MigrationVersion newestKnownVersion() {
        // An empty in-memory database: every migration on the classpath is listed as pending.
        Flyway flyway = Flyway.configure().dataSource("jdbc:sqlite::memory:", null, null)
                .locations(Database.migrations(Database.Kind.SQLITE)).load();
        return Arrays.stream(flyway.info().all()).map(MigrationInfo::getVersion).filter(Objects::nonNull)
                .max(MigrationVersion::compareTo).orElseThrow();
    }

    private static String schemaVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT version FROM flyway_schema_history"
                + " WHERE success = 1 AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static boolean tableExists(Connection c, String table) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?")) {
            q.setString(1, table);
            try (ResultSet rs = q.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A plain connection to an existing file (never creating one), waiting for Central's writers as Central does. */
    private static Connection open(Path file, boolean readOnly) throws SQLException {
        return baseConfig(readOnly).createConnection("jdbc:sqlite:" + file);
    }

    private static SQLiteConfig baseConfig(boolean readOnly) {
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE);
        config.setReadOnly(readOnly);
        config.setBusyTimeout(Database.BUSY_TIMEOUT_MS);
        return config;
    }

    /** Renames without ever replacing a file that appeared at {@code target} since it was checked. */
    private static void moveWithoutReplacing(Path from, Path target) throws IOException {
        try {
            // A hard link is created atomically or not at all, and refuses an existing name.
            Files.createLink(target, from);
            Files.delete(from);
        } catch (FileAlreadyExistsException e) {
            throw new UserError(UserError.Kind.CONFLICT, null, target + " exists; give --force to replace it");
        } catch (UnsupportedOperationException | IOException e) {
            if (Files.exists(target)) {
                throw new UserError(UserError.Kind.CONFLICT, null, target + " exists; give --force to replace it");
            }
            Files.move(from, target);
        }
    }

    private static void createPrivately(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
    }

    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    private static void sync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Makes a rename in {@code dir} durable; a file system that cannot sync a directory keeps it as the OS does. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform opens a directory as a channel; the rename itself is done.
        }
    }

    /** The time in names of kept files: UTC, sortable, no characters a shell or file system minds. */
    static String stamp(Clock clock) {
        return STAMP.format(clock.instant());
    }

    private static void removeSqlite(Path file) {
        for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
            try {
                Files.deleteIfExists(Path.of(file + suffix));
            } catch (IOException e) {
                // A leftover temporary file beside the backup is harmless, and its name says what it is.
            }
        }
    }

    private static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
}
