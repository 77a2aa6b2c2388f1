package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.change.ChangeRecovery;

/**
 * Settles changes left unfinished by a Central that died (see {@link ChangeRecovery}): run once at
 * start-up and then periodically, so with several nodes a survivor undoes a dead node's change.
 */
public final class ChangeRecoveryJob extends BackgroundJob {

    private static final Logger log = LoggerFactory.getLogger(ChangeRecoveryJob.class);

    private final ChangeRecovery recovery;

    public ChangeRecoveryJob(ChangeRecovery recovery, Duration interval, JobLock lock, Clock clock) {
        super("change-recovery", interval, lock, clock);
        this.recovery = recovery;
    }

    @Override
    protected void runOnce() {
        for (ChangeRecovery.Outcome outcome : recovery.recoverAll()) {
            log.info("interrupted change {}: {}", outcome.changeId(), outcome.summary());
        }
    }
}
