package org.tandem.change;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.tandem.common.UserError;
import org.tandem.sync.JobLock;

/**
 * The locks that keep two changes (from this node or another Central node) off one DHCP server at
 * the same time, and keep the recovery pass off a change that a live node is still applying.
 */
public final class ServerLocks implements AutoCloseable {

    private final List<JobLock.Held> held;

    private ServerLocks(List<JobLock.Held> held) {
        this.held = held;
    }

    /** Takes every server's lock, in name order so two nodes never wait on each other, or none. */
    static ServerLocks acquire(JobLock locks, Collection<String> servers) {
        List<JobLock.Held> held = new ArrayList<>();
        for (String server : new TreeSet<>(servers)) {
            var lock = locks.tryAcquire(lockName(server));
            if (lock.isEmpty()) {
                held.forEach(JobLock.Held::close);
                throw UserError.conflict("Another change to server \"" + server
                        + "\" is in progress; try again when it has finished");
            }
            held.add(lock.get());
        }
        return new ServerLocks(held);
    }

    /** The lock a change holds on a server while it applies; a sync of that server holds it too (ServerSync). */
    public static String lockName(String server) {
        return "dhcp-server-change:" + server;
    }

    @Override
    public void close() {
        held.forEach(JobLock.Held::close);
    }
}
