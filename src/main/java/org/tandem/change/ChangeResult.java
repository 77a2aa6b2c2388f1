package org.tandem.change;

import java.util.List;

/**
 * What a change did, or would do on a dry run: the journal id of an applied change (null on a dry
 * run), the diff of every server the plan names, in apply order, and notes for the user (e.g. that a
 * server had changed since Tandem last read it and the change was planned again on what it runs).
 */
public record ChangeResult(Long changeId, boolean dryRun, List<ServerDiff> diffs, List<String> notes) {

    public ChangeResult {
        diffs = List.copyOf(diffs);
        notes = List.copyOf(notes);
    }

    public ChangeResult(Long changeId, boolean dryRun, List<ServerDiff> diffs) {
        this(changeId, dryRun, diffs, List.of());
    }

    /** This result with one more note. */
    public ChangeResult withNote(String note) {
        List<String> all = new java.util.ArrayList<>(notes);
        all.add(note);
        return new ChangeResult(changeId, dryRun, diffs, all);
    }
}
