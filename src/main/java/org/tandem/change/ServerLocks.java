package org.tandem.change;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Optional;
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
            var lock = await(locks, server);
            if (lock.isEmpty()) {
                held.forEach(JobLock.Held::close);
                throw UserError.conflict("Another change or a sync of server \"" + server
                        + "\" is in progress; try again when it has finished");
            }
            held.add(lock.get());
        }
        return new ServerLocks(held);
    }

    /** How long a change waits for a server's lock: a sync of that server holds it while it reads and imports. */
    static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(100);

    /** The server's lock, waited for at most {@link #WAIT} (counted in polls, so a test's still clock cannot stretch it). */
    private static Optional<JobLock.Held> await(JobLock locks, String server) {
        for (long tries = WAIT.toMillis() / POLL.toMillis(); ; tries--) {
            Optional<JobLock.Held> lock = locks.tryAcquire(lockName(server));
            if (lock.isPresent() || tries <= 0) {
                return lock;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
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
