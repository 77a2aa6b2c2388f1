package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.change.ChangeJournal;

/**
 * Deletes closed change-journal entries older than the retention, because each one holds the full
 * old and new configuration of every server it touched (hundreds of kilobytes for large pairs) and
 * only unfinished entries are needed for recovery; the change log keeps the diffs.
 */
public final class ChangeJournalPruner extends BackgroundJob {

    private static final Logger log = LoggerFactory.getLogger(ChangeJournalPruner.class);

    private final ChangeJournal journal;
    private final Duration retention;
    private final Clock clock;

    public ChangeJournalPruner(ChangeJournal journal, Duration retention, Duration interval, JobLock lock, Clock clock) {
        super("change-journal-pruner", interval, lock, clock);
        this.journal = Objects.requireNonNull(journal, "journal");
        this.retention = Objects.requireNonNull(retention, "retention");
        this.clock = clock;
    }

    @Override
    protected void runOnce() {
        int deleted = journal.deleteClosedBefore(clock.instant().minus(retention));
        if (deleted > 0) {
            log.info("deleted {} closed change-journal entries older than {}", deleted, retention);
        }
    }
}
