package org.tandem.kea.ha;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A {@link KeaHaStateListener} that keeps the latest status and every change in memory (tests, the lab). */
public final class InMemoryKeaHaStateLog implements KeaHaStateListener {

    private final Map<String, KeaHaStatus> latest = new HashMap<>();
    private final List<KeaHaStateChange> changes = new ArrayList<>();

    @Override
    public synchronized void observed(KeaHaStatus status, Instant at) {
        latest.put(status.server(), status);
    }

    @Override
    public synchronized void stateChanged(KeaHaStateChange change) {
        changes.add(change);
    }

    public synchronized Optional<KeaHaStatus> latest(String server) {
        return Optional.ofNullable(latest.get(server));
    }

    public synchronized List<KeaHaStateChange> changes() {
        return List.copyOf(changes);
    }

    /** When {@code server} last went to partner-down, as seen by the puller. */
    public synchronized Optional<Instant> lastFailover(String server) {
        Instant last = null;
        for (KeaHaStateChange c : changes) {
            if (c.server().equals(server) && c.isFailover()) {
                last = c.at();
            }
        }
        return Optional.ofNullable(last);
    }
}
