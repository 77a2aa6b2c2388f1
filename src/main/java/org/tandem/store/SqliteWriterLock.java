package org.tandem.store;

import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.TransactionException;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * SQLite's one writer, taken in Java before {@code BEGIN IMMEDIATE}: a transaction waits for the one before it parked on
 * a fair lock, not asleep in SQLite's native busy handler. A thread in native code pins its virtual thread's carrier, so
 * with as many waiting writers as CPUs no carrier was left for the writer holding SQLite's lock, and every request
 * stalled for the 30 s busy timeout (found by DurabilityKillIT's load on 2 CPUs, docs/reliability.md). Only this process's
 * writers queue here; another process on the same file (tandem backup, a second Central) still meets the busy timeout.
 */
final class SqliteWriterLock implements TransactionHandler {

    private final TransactionHandler delegate;
    private final ReentrantLock writer;
    private final long timeoutMillis;

    SqliteWriterLock(TransactionHandler delegate, long timeoutMillis) {
        this(delegate, new ReentrantLock(true), timeoutMillis);
    }

    private SqliteWriterLock(TransactionHandler delegate, ReentrantLock writer, long timeoutMillis) {
        this.delegate = delegate;
        this.writer = writer;
        this.timeoutMillis = timeoutMillis;
    }

    /** The handler this one wraps (tests swap the timeout). */
    TransactionHandler delegate() {
        return delegate;
    }

    @Override
    public TransactionHandler specialize(Handle handle) throws SQLException {
        // Jdbi gives each handle its own specialised handler; they must share the one lock.
        return new SqliteWriterLock(delegate.specialize(handle), writer, timeoutMillis);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        if (handle.isInTransaction()) {
            return delegate.inTransaction(handle, callback);
        }
        acquire();
        try {
            return delegate.inTransaction(handle, callback);
        } finally {
            writer.unlock();
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
        if (handle.isInTransaction()) {
            return delegate.inTransaction(handle, level, callback);
        }
        acquire();
        try {
            return delegate.inTransaction(handle, level, callback);
        } finally {
            writer.unlock();
        }
    }

    private void acquire() {
        try {
            if (!writer.tryLock(timeoutMillis, TimeUnit.MILLISECONDS)) {
                // As SQLite's own busy timeout would end: a writer held the database longer than any write should.
                throw new TransactionException("the database stayed busy with another write for " + timeoutMillis / 1000 + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransactionException("interrupted while waiting for the database's writer", e);
        }
    }

    @Override
    public void begin(Handle handle) {
        delegate.begin(handle);
    }

    @Override
    public void commit(Handle handle) {
        delegate.commit(handle);
    }

    @Override
    public void rollback(Handle handle) {
        delegate.rollback(handle);
    }

    @Override
    public boolean isInTransaction(Handle handle) {
        return delegate.isInTransaction(handle);
    }

    @Override
    public void savepoint(Handle handle, String name) {
        delegate.savepoint(handle, name);
    }

    @Override
    public void rollbackToSavepoint(Handle handle, String name) {
        delegate.rollbackToSavepoint(handle, name);
    }

    @Override
    public void releaseSavepoint(Handle handle, String name) {
        delegate.releaseSavepoint(handle, name);
    }
}
