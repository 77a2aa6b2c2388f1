package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The base of every background job (full sync, state polling, change recovery): each job is one
 * subclass, named for what it pulls. {@link #run()} takes the job's cluster-wide lock, so with
 * several Central nodes the job runs on one node at a time, records when it started and finished,
 * and catches everything so the schedule survives any failure; subclasses put the work in
 * {@link #runOnce()} and wrap each server's part in {@link #perServer}, so one broken server does not
 * stop the others.
 */
public abstract class BackgroundJob implements Runnable {

    /** One server's part of a run. */
    @FunctionalInterface
    protected interface ServerWork {
        void run() throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(BackgroundJob.class);

    private final String name;
    private final Duration interval;
    private final JobLock lock;
    private final Clock clock;
    private final List<String> serverErrors = new ArrayList<>();
    private volatile JobStatus status;

    protected BackgroundJob(String name, Duration interval, JobLock lock, Clock clock) {
        this.name = Objects.requireNonNull(name, "name");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.lock = Objects.requireNonNull(lock, "lock");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(name + ": interval must be positive");
        }
        this.status = new JobStatus(name, null, null, null, null);
    }

    /** The job's work; anything it throws is logged and recorded, never propagated. */
    protected abstract void runOnce() throws Exception;

    public final String name() {
        return name;
    }

    /** The pause between the end of one run and the start of the next. */
    public final Duration interval() {
        return interval;
    }

    public final JobStatus status() {
        return status;
    }

    @SuppressWarnings("try") // the lock is held for the block's duration, never read
    @Override
    public final void run() {
        MDC.put("job", name + " ");
        try {
            var held = lock.tryAcquire("job:" + name);
            if (held.isEmpty()) {
                // Another node runs it now; it is not an error, and its next turn comes anyway.
                status = new JobStatus(name, status.lastStartedAt(), status.lastFinishedAt(), status.lastError(),
                        clock.instant());
                log.debug("job {} runs on another node; skipped", name);
                return;
            }
            try (JobLock.Held ignored = held.get()) {
                runHeld();
            }
        } catch (Throwable t) {
            // Taking or releasing the lock failed (the database is gone): log it and keep the schedule.
            log.error("job {} could not run: {}", name, t.toString(), t);
        } finally {
            MDC.remove("job");
        }
    }

    private void runHeld() {
        status = new JobStatus(name, clock.instant(), status.lastFinishedAt(), status.lastError(), status.lastSkippedAt());
        serverErrors.clear();
        String error = null;
        try {
            runOnce();
        } catch (Throwable t) {
            // Everything, Errors included: an uncaught throwable would silently cancel the schedule.
            log.error("job {} failed: {}", name, t.toString(), t);
            error = String.valueOf(t.getMessage() == null ? t.toString() : t.getMessage());
        }
        if (error == null && !serverErrors.isEmpty()) {
            error = String.join("; ", serverErrors);
        }
        status = new JobStatus(name, status.lastStartedAt(), clock.instant(), error, status.lastSkippedAt());
    }

    /**
     * Runs one server's part of the job; a failure is logged with the job and server names, recorded
     * in the job's last error, and does not stop the parts of the other servers.
     */
    protected final void perServer(String server, ServerWork work) {
        MDC.put("server", server + " ");
        try {
            work.run();
        } catch (Exception e) {
            log.warn("job {} server {} failed: {}", name, server, e.toString());
            serverErrors.add("server \"" + server + "\": " + e.getMessage());
        } finally {
            MDC.remove("server");
        }
    }
}
