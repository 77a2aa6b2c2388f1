package org.tandem.sync;

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
}
