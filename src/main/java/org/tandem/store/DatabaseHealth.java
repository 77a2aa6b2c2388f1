package org.tandem.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.HandleCallbackDecorator;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.common.UserError;

/**
 * Whether Central can write its database now. Every Jdbi callback passes through here ({@link HandleCallbackDecorator}):
 * a storage failure anywhere below ({@link StorageTrouble}) becomes a {@link UserError.Kind#STORAGE} error naming the
 * database and the cause, and marks the database degraded. Only a successful {@link #probe()} clears the mark, so
 * /health does not flap between one write that failed and a small one that fitted into SQLite's reused WAL.
 */
public final class DatabaseHealth implements HandleCallbackDecorator {

    /**
     * Below this much free space on a SQLite database's file system the database counts as full even when the probe's
     * one-page write still fits (SQLite reuses its WAL file after a checkpoint, so small writes can succeed on a full
     * disk while the next larger one fails).
     */
    public static final long MIN_FREE_BYTES = 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(DatabaseHealth.class);

    private final Database.Kind kind;
    private final String url;
    private final Path file;
    private final AtomicReference<StorageTrouble> trouble = new AtomicReference<>();
    private volatile Jdbi jdbi;

    DatabaseHealth(Database.Kind kind, String url, Path file) {
        this.kind = kind;
        this.url = url;
        this.file = file;
    }

    /** Decorates {@code jdbi} and probes through it. */
    void attach(Jdbi jdbi) {
        this.jdbi = jdbi;
        jdbi.setHandleCallbackDecorator(this);
    }

    @Override
    public <R, X extends Exception> HandleCallback<R, X> decorate(HandleCallback<R, X> callback) {
        return handle -> {
            try {
                return callback.withHandle(handle);
            } catch (UserError e) {
                // Ours from a nested callback, or a user's mistake: as it is.
                throw e;
            } catch (RuntimeException e) {
                Optional<StorageTrouble> found = explain(e);
                if (found.isEmpty()) {
                    throw e;
                }
                failed(found.get());
                throw found.get().toUserError(e);
            }
        };
    }

    /** The storage failure behind {@code error}, for errors raised outside a Jdbi callback (opening a connection). */
    public Optional<StorageTrouble> explain(Throwable error) {
        return StorageTrouble.of(error, kind, url, file);
    }

    /** What stops writes now, or empty when the last probe wrote and no write failed since. */
    public Optional<StorageTrouble> trouble() {
        return Optional.ofNullable(trouble.get());
    }

    /** Marks the database degraded; logs once per spell, not once per refused request. */
    public void failed(StorageTrouble t) {
        if (trouble.getAndSet(t) == null) {
            log.error("{}", t.message());
        }
    }

    /**
     * Writes in a transaction of its own, then on SQLite checks the free space; clears the degraded mark when both
     * pass. Never throws: it runs on a schedule, which must survive. The write must really change something and touch
     * no row a user or a test compares: SQLite commits {@code UPDATE write_lock SET version = version} without writing a
     * WAL frame (so that probe passes on a disk refusing writes), while {@code version + 1} would move a row that only
     * writes should move. SQLite: the header's {@code user_version} (nothing else uses it), bumped, one WAL frame.
     * PostgreSQL writes a new row version and a WAL record even for an unchanged value, so there the row stays as it is.
     */
    public Optional<StorageTrouble> probe() {
        try {
            jdbi.useTransaction(h -> {
                if (kind == Database.Kind.SQLITE) {
                    int version = h.createQuery("PRAGMA user_version").mapTo(Integer.class).one();
                    h.execute("PRAGMA user_version = " + (version == Integer.MAX_VALUE ? 0 : version + 1));
                } else {
                    h.execute("UPDATE write_lock SET version = version WHERE id = 1");
                }
            });
            if (file != null) {
                long free = Files.getFileStore(file.getParent()).getUsableSpace();
                if (free < MIN_FREE_BYTES) {
                    failed(StorageTrouble.lowSpace(file, free));
                    return trouble();
                }
            }
            if (trouble.getAndSet(null) != null) {
                log.info("Central can write its database {} again", file != null ? file : "");
            }
        } catch (UserError e) {
            // The decorator has recorded it.
        } catch (IOException | RuntimeException e) {
            Optional<StorageTrouble> found = explain(e);
            if (found.isPresent()) {
                failed(found.get());
            } else {
                // Not the disk (a lost PostgreSQL connection, a bug): the state stays as it was, the log says why.
                log.warn("database write probe failed", e);
            }
        }
        return trouble();
    }
}
