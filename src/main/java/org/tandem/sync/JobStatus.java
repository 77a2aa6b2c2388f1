package org.tandem.sync;

import java.time.Instant;

/**
 * How a background job last ran on this node: when its last run started and finished, and the error
 * of that run (null when it went well). {@code lastSkippedAt} is when it last found its lock held by
 * another node and left the work to it. Every field is null until the first time it happens.
 */
public record JobStatus(String job, Instant lastStartedAt, Instant lastFinishedAt, String lastError,
                        Instant lastSkippedAt) {
}
