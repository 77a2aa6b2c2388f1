package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JobSchedulerTest {

    /** A state poller whose every run fails, as when its server is down for a while. */
    private static final class FailingStatePoller extends BackgroundJob {
        final CountDownLatch threeRuns = new CountDownLatch(3);
        final AtomicInteger runs = new AtomicInteger();

        FailingStatePoller() {
            super("state-poll", Duration.ofMillis(10), new LocalJobLock(), Clock.systemUTC());
        }

        @Override
        protected void runOnce() {
            runs.incrementAndGet();
            threeRuns.countDown();
            throw new IllegalStateException("status-get timed out");
        }
    }

    @Test
    void schedule_jobFailsEveryRun_keepsRunningAndReportsTheError() throws InterruptedException {
        FailingStatePoller job = new FailingStatePoller();
        try (JobScheduler scheduler = new JobScheduler(2)) {
            scheduler.schedule(job);

            assertThat(job.threeRuns.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(scheduler.statuses()).singleElement().satisfies(status -> {
                assertThat(status.job()).isEqualTo("state-poll");
                assertThat(status.lastStartedAt()).isNotNull();
            });
        }
        assertThat(job.status().lastError()).isEqualTo("status-get timed out");
        assertThat(job.runs.get()).isGreaterThanOrEqualTo(3);
    }
}
