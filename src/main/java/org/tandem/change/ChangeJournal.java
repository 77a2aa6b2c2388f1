package org.tandem.change;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The write-ahead record of changes being applied, kept in the database so a Central killed in the
 * middle of a change can undo it when it (or another node) starts again; see {@link ChangeRecovery}.
 *
 * <p>Each write is durable when the method returns; the engine writes before it acts (the step a
 * server is entering) and after (the step it completed), so a crash between two writes leaves at most
 * one server in doubt, and the recovery pass reads that server's live config to settle it.
 */
public interface ChangeJournal {

    /** Where a journal entry is. OPEN and COMMITTED entries are unfinished. */
    enum State {
        /** Servers are being changed; a crash here is undone. */
        OPEN,
        /** Every server runs its new config and was verified; a crash here is finished (recorded). */
        COMMITTED,
        /** Closed: the change was applied and recorded. */
        APPLIED,
        /** Closed: a step failed and every touched server was given back its old config. */
        ROLLED_BACK,
        /** Closed: the recovery pass undid an interrupted change. */
        UNDONE,
        /** Closed: the recovery pass found a server changed by someone else and touched nothing. */
        NEEDS_ATTENTION;

        public boolean finished() {
            return this != OPEN && this != COMMITTED;
        }
    }

    /** How far one server of an entry got. */
    enum ServerStep {
        /** Not touched yet. */
        PLANNED,
        /** Its new config is being applied; it may run either config. */
        APPLYING,
        /** It runs its new config and was verified. */
        APPLIED,
        /** Its old config is being restored; it may run either config. */
        ROLLING_BACK,
        /** It runs its old config again and was verified. */
        ROLLED_BACK
    }

    /** One server of a journal entry, in apply order. */
    record ServerEntry(String server, String oldConfig, String newConfig, ServerStep step) {
    }

    /** One change as the journal holds it. */
    record Entry(long id, String who, String saveComment, Instant startedAt, State state,
                 List<ServerEntry> servers, Instant finishedAt, String outcome) {

        public Entry {
            servers = List.copyOf(servers);
        }
    }

    /** Writes the plan (every server's old and new config, in apply order) as an OPEN entry; returns its id. */
    long begin(ChangePlan plan, Instant at);

    /** Records how far one server of an unfinished entry got. */
    void markServer(long changeId, String server, ServerStep step);

    /** Marks an OPEN entry COMMITTED: every server was applied and verified. */
    default void commit(long changeId) {
        commit(changeId, () -> { });
    }

    /**
     * As {@link #commit(long)}, running {@code alongside} (the store's own writes of the change) in the
     * same database transaction, so a Central killed at any instant leaves both or neither: a store
     * written but an entry still OPEN would be undone on the servers and leave the store wrong, and the
     * reverse leaves the store stale. When {@code alongside} throws, nothing is committed.
     */
    void commit(long changeId, Runnable alongside);

    /**
     * Closes an unfinished entry with its final state and a sentence saying what was done. Returns
     * false when the entry was already closed (another node's recovery pass got there first).
     */
    boolean close(long changeId, State state, String outcome, Instant at);

    /** The unfinished (OPEN or COMMITTED) entries, oldest first. */
    List<Entry> unfinished();

    Optional<Entry> find(long changeId);

    /**
     * Deletes the closed entries that finished before {@code cutoff}, with their configs; returns
     * how many. Unfinished entries are never deleted. The change log keeps the diffs for people.
     */
    int deleteClosedBefore(Instant cutoff);
}
