package org.tandem.change;

import java.time.Instant;

/** A step of a change in progress, for progress displays and logs; {@code server} is null for plan-wide steps. */
public record ChangeEvent(Instant at, Phase phase, String server, String detail) {

    /** Where in the change loop the engine is. */
    public enum Phase {
        CHECKING_RULES,
        CHECKING_CONFLICT,
        VALIDATING,
        PREPARING,
        APPLYING,
        VERIFYING,
        APPLIED,
        ROLLING_BACK,
        ROLLED_BACK,
        DONE,
        FAILED
    }
}
