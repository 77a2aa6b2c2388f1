package org.tandem.sync;

import java.sql.DriverManager;
import java.util.Optional;

/**
 * A named lock shared by every Central node on one database, so a background job (or a change to
 * one DHCP server) runs on one node at a time. A node that dies loses its locks, so another node
 * takes the work over.
 */
public interface JobLock {

    /** A held lock; closing it releases the lock. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes the named lock if no one holds it (this node included: the lock is not re-entrant), or
     * returns empty at once without waiting.
     */
    Optional<Held> tryAcquire(String name);

    /**
     * The lock for Central's database: PostgreSQL advisory locks when several nodes may share it, else
     * a lock inside this process (an embedded database has one node).
     */
    static JobLock forDatabase(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:postgresql:")) {
            // A connection of its own, outside the pool: the locks live as long as this node's session.
            return new PostgresJobLock(() -> DriverManager.getConnection(jdbcUrl));
        }
        return new LocalJobLock();
    }
}
