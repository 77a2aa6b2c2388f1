package org.tandem.sync;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
        List<ChangeRecovery.Outcome> outcomes = recovery.recoverAll();
        for (ChangeRecovery.Outcome outcome : outcomes) {
            log.info("interrupted change {}: {}", outcome.changeId(), outcome.summary());
        }
        // Once per pass (every few minutes): says when a restarted Central has settled what its predecessor left.
        log.info("change recovery pass done: {} interrupted change(s) looked at", outcomes.size());
    }
}
