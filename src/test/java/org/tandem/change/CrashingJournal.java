package org.tandem.change;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A journal that simulates the Central dying right after its n-th write reached the database. */
final class CrashingJournal implements ChangeJournal {

    private final ChangeJournal delegate;
    private final int crashAfterWrite;
    private int writes;

    CrashingJournal(ChangeJournal delegate, int crashAfterWrite) {
        this.delegate = delegate;
        this.crashAfterWrite = crashAfterWrite;
    }

    private void wrote(String what) {
        if (++writes == crashAfterWrite) {
            throw new SimulatedCrash("after journal write " + writes + " (" + what + ")");
        }
    }

    int writes() {
        return writes;
    }

    @Override
    public long begin(ChangePlan plan, Instant at) {
        long id = delegate.begin(plan, at);
        wrote("begin");
        return id;
    }

    @Override
    public void markServer(long changeId, String server, ServerStep step) {
        delegate.markServer(changeId, server, step);
        wrote(server + " " + step);
    }

    @Override
    public void commit(long changeId, Runnable alongside) {
        delegate.commit(changeId, alongside);
        wrote("commit");
    }

    @Override
    public boolean close(long changeId, State state, String outcome, Instant at) {
        boolean closed = delegate.close(changeId, state, outcome, at);
        wrote("close");
        return closed;
    }

    @Override
    public List<Entry> unfinished() {
        return delegate.unfinished();
    }

    @Override
    public Optional<Entry> find(long changeId) {
        return delegate.find(changeId);
    }

    @Override
    public int deleteClosedBefore(Instant cutoff) {
        return delegate.deleteClosedBefore(cutoff);
    }
}
