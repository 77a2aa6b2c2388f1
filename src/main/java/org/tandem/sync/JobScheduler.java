package org.tandem.sync;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each background job at its interval on a small pool of daemon threads. Runs of one job never
 * overlap (the next run starts one interval after the previous one ended), and a slow job (a full
 * sync of many servers) does not hold up the quick ones (state polling) as long as threads remain.
 */
public final class JobScheduler implements AutoCloseable {

    private final ScheduledExecutorService executor;
    private final List<BackgroundJob> jobs = new CopyOnWriteArrayList<>();

    public JobScheduler(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1");
        }
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "tandem-job-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = Executors.newScheduledThreadPool(threads, factory);
    }

    /** Runs the job now and then at its interval until {@link #close()}. */
    public void schedule(BackgroundJob job) {
        schedule(job, Duration.ZERO);
    }

    /** Runs the job after {@code initialDelay} and then at its interval until {@link #close()}. */
    public void schedule(BackgroundJob job, Duration initialDelay) {
        jobs.add(job);
        // BackgroundJob.run() never throws, which is what keeps scheduleWithFixedDelay repeating.
        executor.scheduleWithFixedDelay(job, initialDelay.toMillis(), job.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The status of every scheduled job, in scheduling order. */
    public List<JobStatus> statuses() {
        return jobs.stream().map(BackgroundJob::status).toList();
    }

    /** Stops scheduling, interrupts runs in progress and waits up to 10 s for them to end. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
