package org.tandem.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.tandem.common.UserError;

/**
 * Why Central cannot write its database (a full disk, a read-only file or file system, an I/O error, a file it cannot
 * open), worded for the person who must fix it. The one place that recognises these failures, on SQLite by its result
 * codes and on PostgreSQL by its SQLStates, wherever in an exception's causes the driver's error sits.
 */
public record StorageTrouble(Cause cause, String code, String database, Path directory) {

    /** The kinds of storage failure, each with its own words and remedy. */
    public enum Cause { FULL, READ_ONLY, IO_ERROR, CANNOT_OPEN }

    /**
     * The storage failure somewhere in {@code error}'s causes (or suppressed exceptions), or empty when it is not one:
     * a constraint violation, a bug, a lost PostgreSQL connection are not the disk's fault.
     */
    public static Optional<StorageTrouble> of(Throwable error, Database.Kind kind, String url, Path file) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        return find(error, kind, url, file, seen);
    }

    private static Optional<StorageTrouble> find(Throwable t, Database.Kind kind, String url, Path file, Set<Throwable> seen) {
        if (t == null || !seen.add(t) || seen.size() > 50) {
            return Optional.empty();
        }
        Optional<StorageTrouble> here = classify(t, kind, url, file);
        if (here.isPresent()) {
            return here;
        }
        for (Throwable s : t.getSuppressed()) {
            Optional<StorageTrouble> found = find(s, kind, url, file, seen);
            if (found.isPresent()) {
                return found;
            }
        }
        // SQLException chains its own (getNextException) besides the cause.
        if (t instanceof SQLException sql) {
            Optional<StorageTrouble> next = find(sql.getNextException(), kind, url, file, seen);
            if (next.isPresent()) {
                return next;
            }
        }
        return find(t.getCause(), kind, url, file, seen);
    }

    private static Optional<StorageTrouble> classify(Throwable t, Database.Kind kind, String url, Path file) {
        String database = kind == Database.Kind.SQLITE ? String.valueOf(file) : withoutCredentials(url);
        Path directory = file == null ? null : file.getParent();
        if (t instanceof SQLiteException e) {
            SQLiteErrorCode code = e.getResultCode();
            // Extended codes (SQLITE_IOERR_WRITE) carry their primary code (SQLITE_IOERR) in the low byte.
            boolean known = code != null && code != SQLiteErrorCode.UNKNOWN_ERROR;
            int primary = (known ? code.code : e.getErrorCode()) & 0xff;
            String name = known ? code.name() : "SQLite error " + e.getErrorCode();
            Cause cause = switch (primary) {
                case 13 -> Cause.FULL;
                case 8 -> Cause.READ_ONLY;
                case 10 -> Cause.IO_ERROR;
                case 14 -> Cause.CANNOT_OPEN;
                default -> null;
            };
            return cause == null ? Optional.empty() : Optional.of(new StorageTrouble(sharpened(cause, directory), name, database, directory));
        }
        if (t instanceof SQLException e && e.getSQLState() != null && kind == Database.Kind.POSTGRESQL) {
            String state = e.getSQLState();
            Cause cause = state.equals("53100") ? Cause.FULL
                    : state.equals("25006") ? Cause.READ_ONLY
                    : state.startsWith("58") ? Cause.IO_ERROR
                    // Class 53, insufficient resources: out of memory, too many connections; the server is short of something.
                    : state.startsWith("53") ? Cause.IO_ERROR
                    : null;
            return cause == null ? Optional.empty() : Optional.of(new StorageTrouble(cause, "SQLState " + state, database, null));
        }
        // Creating the database file itself (Database.open) fails outside SQLite with the operating system's words;
        // a permission refusal comes as AccessDeniedException with no words at all, its message only the path.
        if (t instanceof java.nio.file.AccessDeniedException && kind == Database.Kind.SQLITE) {
            return Optional.of(new StorageTrouble(Cause.READ_ONLY, "permission denied", database, directory));
        }
        if (t instanceof FileSystemException e && e.getReason() != null && kind == Database.Kind.SQLITE) {
            String reason = e.getReason();
            Cause cause = reason.contains("No space left") ? Cause.FULL
                    : reason.contains("Read-only file system") || reason.contains("Permission denied") ? Cause.READ_ONLY
                    : null;
            return cause == null ? Optional.empty() : Optional.of(new StorageTrouble(cause, reason, database, directory));
        }
        return Optional.empty();
    }

    /**
     * SQLite reports a write refused by a read-only mount or a full disk under an open file as an I/O error
     * (SQLITE_IOERR_WRITE), and a WAL database it cannot create its shared-memory file for, on a read-only mount or
     * in a directory owned by another user, as SQLITE_CANTOPEN; the file system itself says which it is.
     */
    private static Cause sharpened(Cause cause, Path directory) {
        if ((cause != Cause.IO_ERROR && cause != Cause.CANNOT_OPEN) || directory == null) {
            return cause;
        }
        try {
            FileStore store = Files.getFileStore(directory);
            // access(2) also sees a file system the kernel turned read-only after errors (ext4 errors=remount-ro),
            // which the mount options in /proc/mounts, and so FileStore.isReadOnly, do not show.
            if (store.isReadOnly() || !Files.isWritable(directory)) {
                return Cause.READ_ONLY;
            }
            if (cause == Cause.IO_ERROR && store.getUsableSpace() == 0) {
                return Cause.FULL;
            }
        } catch (IOException | SecurityException e) {
            // Not knowing more (the directory may not exist), the driver's code is what there is to say.
        }
        return cause;
    }

    /** The file system of a SQLite database with too little room left, even before a write fails. */
    public static StorageTrouble lowSpace(Path file, long usableBytes) {
        return new StorageTrouble(Cause.FULL, usableBytes + " bytes free", String.valueOf(file), file.getParent());
    }

    private static String withoutCredentials(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        // jdbc:postgresql://user:password@host/db
        return base.replaceFirst("//[^/@]*@", "//");
    }

    /** Why, in a few words: "the disk is full". */
    public String reason() {
        return switch (cause) {
            case FULL -> "the disk is full";
            case READ_ONLY -> "the database is read-only";
            case IO_ERROR -> directory == null ? "the database server reports a system error" : "the disk reports an I/O error";
            case CANNOT_OPEN -> "the database file cannot be opened";
        };
    }

    /** What to do about it. */
    private String remedy() {
        if (directory == null) {
            return switch (cause) {
                case FULL -> "free space on the PostgreSQL server's disk";
                case READ_ONLY -> "point Central at the primary PostgreSQL server, not a read-only standby";
                case IO_ERROR, CANNOT_OPEN -> "see the PostgreSQL server's log";
            };
        }
        return switch (cause) {
            case FULL -> "free space on the file system of " + directory;
            case READ_ONLY -> "make " + directory + " and its files writable by the user Central runs as (a read-write mount, the right owner)";
            case IO_ERROR -> "check the disk holding " + directory + " and the kernel log";
            case CANNOT_OPEN -> "make sure " + directory + " exists and the user Central runs as may create files in it";
        };
    }

    /**
     * For a running Central: names the database, the cause and what to do. A full disk and a read-only database still
     * answer reads, and the message says so; an I/O error or a file that cannot be opened may fail reads too.
     */
    public String message() {
        return switch (cause) {
            case FULL, READ_ONLY -> "Central cannot write its database " + database + ": " + reason() + " (" + code + "); reads still work; "
                    + remedy();
            case IO_ERROR, CANNOT_OPEN -> "Central cannot use its database " + database + ": " + reason() + " (" + code + "); " + remedy();
        };
    }

    /** For a Central refusing to start. */
    public String startMessage() {
        return "Central cannot write its database " + database + ": " + reason() + " (" + code + "); " + remedy() + ", then start it again";
    }

    /** The error a request that wanted to write gets. */
    public UserError toUserError(Throwable cause) {
        return new UserError(UserError.Kind.STORAGE, null, message(), cause);
    }
}
