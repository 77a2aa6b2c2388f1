package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackgroundJobTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T05:00:00Z"), ZoneOffset.UTC);

    private final LocalJobLock locks = new LocalJobLock();

    /** A sync job over three servers, one of which cannot be reached. */
    private static final class FullSyncOfThree extends BackgroundJob {
        final List<String> synced = new ArrayList<>();
        RuntimeException failWholeRun;

        FullSyncOfThree(JobLock locks) {
            super("full-sync", Duration.ofSeconds(900), locks, CLOCK);
        }

        @Override
        protected void runOnce() {
            if (failWholeRun != null) {
                throw failWholeRun;
            }
            for (String server : List.of("dhcp-a", "dhcp-b", "kea-1")) {
                perServer(server, () -> {
                    if (server.equals("dhcp-b")) {
                        throw new IllegalStateException("agent answered 502");
                    }
                    synced.add(server);
                });
            }
        }
    }

    @Test
    void run_oneServerFails_othersStillSyncedAndErrorNamesTheServer() {
        FullSyncOfThree job = new FullSyncOfThree(locks);

        job.run();

        assertThat(job.synced).containsExactly("dhcp-a", "kea-1");
        assertThat(job.status().lastError()).isEqualTo("server \"dhcp-b\": agent answered 502");
        assertThat(job.status().lastStartedAt()).isEqualTo(CLOCK.instant());
        assertThat(job.status().lastFinishedAt()).isEqualTo(CLOCK.instant());
    }

    @Test
    void run_jobThrowsEvenAnError_runReturnsAndRecordsIt() {
        FullSyncOfThree job = new FullSyncOfThree(locks);
        job.failWholeRun = new IllegalStateException("database is gone");

        job.run();

        assertThat(job.status().lastError()).isEqualTo("database is gone");
        assertThat(job.status().lastFinishedAt()).isNotNull();
        // The lock was released despite the failure, so the next run can take it.
        assertThat(locks.tryAcquire("job:full-sync")).isPresent();
    }

    @SuppressWarnings("try") // the lock is held for the block's duration, never read
    @Test
    void run_lockHeldByAnotherNode_skipsWithoutWork() {
        FullSyncOfThree job = new FullSyncOfThree(locks);
        try (JobLock.Held otherNode = locks.tryAcquire("job:full-sync").orElseThrow()) {
            job.run();
        }

        assertThat(job.synced).isEmpty();
        assertThat(job.status().lastStartedAt()).isNull();
        assertThat(job.status().lastSkippedAt()).isEqualTo(CLOCK.instant());
    }

    @Test
    void run_afterAFailedRun_successfulRunClearsTheError() {
        FullSyncOfThree job = new FullSyncOfThree(locks);
        job.failWholeRun = new IllegalStateException("database is gone");
        job.run();

        job.failWholeRun = null;
        job.run();

        assertThat(job.status().lastError()).isEqualTo("server \"dhcp-b\": agent answered 502");
    }
}
