package org.tandem.change;

import java.util.List;

/**
 * What a change did, or would do on a dry run: the journal id of an applied change (null on a dry
 * run) and the diff of every server the plan names, in apply order.
 */
public record ChangeResult(Long changeId, boolean dryRun, List<ServerDiff> diffs) {

    public ChangeResult {
        diffs = List.copyOf(diffs);
    }
}
