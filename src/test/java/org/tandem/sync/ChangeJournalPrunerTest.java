package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.change.ChangeJournal;
import org.tandem.change.ChangePlan;
import org.tandem.change.JdbiChangeJournal;
import org.tandem.change.ServerChange;
import org.tandem.change.TestDatabases;

class ChangeJournalPrunerTest {

    @Test
    void run_closedEntryOlderThanRetention_deletedWhileOpenOneStays() {
        Instant now = Instant.parse("2026-11-22T05:00:00Z");
        try (TestDatabases db = TestDatabases.sqlite()) {
            ChangeJournal journal = new JdbiChangeJournal(db.jdbi());
            ChangePlan plan = new ChangePlan(List.of(new ServerChange("dhcp-a", "old\n", "new\n")), "admin", "");
            long old = journal.begin(plan, now.minus(Duration.ofDays(40)));
            journal.close(old, ChangeJournal.State.APPLIED, "applied", now.minus(Duration.ofDays(40)));
            long open = journal.begin(plan, now.minus(Duration.ofDays(40)));
            ChangeJournalPruner pruner = new ChangeJournalPruner(journal, Duration.ofDays(30), Duration.ofHours(1),
                    new LocalJobLock(), Clock.fixed(now, ZoneOffset.UTC));

            pruner.run();

            assertThat(journal.find(old)).isEmpty();
            assertThat(journal.find(open)).isPresent();
            assertThat(pruner.status().lastError()).isNull();
        }
    }
}
