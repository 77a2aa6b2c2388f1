package org.tandem.kea;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Which configuration commit a Kea server runs, from two cheap commands, so that a config-get of thousands of subnets
 * can be skipped while it is unchanged ({@link KeaEngine#read}). Kea commits a configuration at start, config-set and
 * config-reload, and at nothing else: config-test, config-get and config-write leave both signals below as they were
 * (tested on Kea 2.2.0).
 * <ul>
 *   <li>{@code status-get}: the process ({@code pid}, and its start from {@code uptime}) and how many seconds after its
 *       start it last committed ({@code uptime - reload}). Kea takes both from one reading of a whole-second clock, so
 *       the offset is exact; it cannot tell apart two commits in one second.</li>
 *   <li>{@code statistic-get declined-addresses}: the time of its latest sample, in microseconds. Kea recounts its
 *       lease statistics at each commit of a config that has subnets, which adds a sample even when the count stays;
 *       so two commits in one second differ here. A declined lease also adds one; that costs a config-get, nothing
 *       more. Null when the server has no such statistic.</li>
 * </ul>
 * What a stamp cannot see: a second commit in the same second as the first on a server with no subnet, one made
 * between a config-set and the stamp Tandem asks for right after it, and config a configuration backend merges in
 * (so the engine does not go by stamps on a server whose config has {@code config-control}).
 */
public record KeaCommitStamp(long pid, long commitOffsetSeconds, long startedNanos, String leasesCountedAt) {

    /** How far two readings of one process's start may differ: whole seconds, plus the time an answer travels. */
    static final Duration START_SLACK = Duration.ofSeconds(2);
    /** The statistic whose samples mark commits. */
    static final String COMMIT_STATISTIC = "declined-addresses";

    /**
     * The stamp in a status-get answer's arguments and a statistic-get answer's (null when refused), both read at
     * {@code nowNanos} ({@link System#nanoTime()}: the process's start is placed on that scale, which neither a clock
     * step on Central nor a test's clock moves); empty when status-get lacks {@code pid}, {@code uptime} or
     * {@code reload} (a Kea before 1.7.3).
     */
    public static Optional<KeaCommitStamp> of(JsonNode status, JsonNode statistic, long nowNanos) {
        if (status == null) {
            return Optional.empty();
        }
        JsonNode pid = status.path("pid");
        JsonNode uptime = status.path("uptime");
        JsonNode reload = status.path("reload");
        if (!pid.isIntegralNumber() || !uptime.isIntegralNumber() || !reload.isIntegralNumber() || uptime.asLong() < 0
                || reload.asLong() < 0 || reload.asLong() > uptime.asLong()) {
            return Optional.empty();
        }
        JsonNode latest = statistic == null ? null : statistic.path(COMMIT_STATISTIC).path(0).path(1);
        long started = nowNanos - Duration.ofSeconds(uptime.asLong()).toNanos();
        return Optional.of(new KeaCommitStamp(pid.asLong(), uptime.asLong() - reload.asLong(), started,
                latest != null && latest.isTextual() ? latest.asText() : null));
    }

    /** Whether {@code later} shows the same process and no configuration committed since this stamp. */
    public boolean sameCommit(KeaCommitStamp later) {
        return pid == later.pid && commitOffsetSeconds == later.commitOffsetSeconds
                && Math.abs(later.startedNanos - startedNanos) <= START_SLACK.toNanos()
                && Objects.equals(leasesCountedAt, later.leasesCountedAt);
    }
}
