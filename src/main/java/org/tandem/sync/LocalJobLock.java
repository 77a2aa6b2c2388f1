package org.tandem.sync;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The {@link JobLock} of a single Central node on the embedded database: locks live in this process
 * only, which is enough because no other node shares an embedded database.
 */
public final class LocalJobLock implements JobLock {

    private final Set<String> held = new HashSet<>();

    @Override
    public synchronized Optional<Held> tryAcquire(String name) {
        if (!held.add(name)) {
            return Optional.empty();
        }
        return Optional.of(new Held() {
            private boolean released;

            @Override
            public void close() {
                synchronized (LocalJobLock.this) {
                    if (!released) {
                        released = true;
                        held.remove(name);
                    }
                }
            }
        });
    }
}
