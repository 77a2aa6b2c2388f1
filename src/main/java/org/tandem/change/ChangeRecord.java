package org.tandem.change;

import java.time.Instant;
import java.util.List;

/** A change-log entry for an applied change: who, when, their comment and each server's diff. */
public record ChangeRecord(long changeId, String who, Instant at, String saveComment, List<ServerDiff> diffs) {

    public ChangeRecord {
        diffs = List.copyOf(diffs);
    }
}
