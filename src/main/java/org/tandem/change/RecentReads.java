package org.tandem.change;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configuration read last from each server and when, shared by the targets of one Central, so
 * the change engine's first conflict check can take the read its planner made a moment before
 * (see {@link ServerTarget#recentRead}). Holds one text per server; an entry past its age is dropped
 * when asked for.
 */
public final class RecentReads {

    private record Entry(LiveConfig config, Instant at) {}

    private final Map<String, Entry> byServer = new ConcurrentHashMap<>();
    private final Clock clock;

    public RecentReads(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Remembers what {@code server} answered just now. */
    public void put(String server, LiveConfig config) {
        byServer.put(server, new Entry(config, clock.instant()));
    }

    /** What {@code server} answered at most {@code maxAge} ago, if anything. */
    public Optional<LiveConfig> within(String server, Duration maxAge) {
        Entry e = byServer.get(server);
        if (e == null) {
            return Optional.empty();
        }
        if (Duration.between(e.at(), clock.instant()).compareTo(maxAge) > 0) {
            byServer.remove(server, e);
            return Optional.empty();
        }
        return Optional.of(e.config());
    }

    /** Forgets {@code server}'s entry: its configuration is being changed. */
    public void forget(String server) {
        byServer.remove(server);
    }
}
