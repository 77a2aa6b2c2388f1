package org.tandem.change;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a state by asking for it again and again until a deadline, with exponential backoff
 * between probes; the one way Tandem waits for a server (never a blind sleep).
 *
 * <p>An interrupt ends the wait early as if the deadline had passed, with the interrupt flag kept,
 * so a shutting-down Central stops waiting at once.
 */
public final class Poller {

    /** Pauses between probes; tests pass one that advances their clock instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration firstDelay;
    private final Duration maxDelay;

    public Poller(Clock clock, Sleeper sleeper, Duration firstDelay, Duration maxDelay) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.firstDelay = Objects.requireNonNull(firstDelay, "firstDelay");
        this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
        if (firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("need 0 < firstDelay <= maxDelay");
        }
    }

    /** A poller on the real clock, starting at 50 ms between probes and backing off to 1 s. */
    public static Poller system(Clock clock) {
        return new Poller(clock, duration -> Thread.sleep(duration), Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    /** Probes until it returns a value or the deadline passes; the probe runs at least once. */
    public <T> Optional<T> until(Instant deadline, Supplier<Optional<T>> probe) {
        Duration delay = firstDelay;
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value;
            }
            Duration left = Duration.between(clock.instant(), deadline);
            if (left.isNegative() || left.isZero() || Thread.currentThread().isInterrupted()) {
                return Optional.empty();
            }
            try {
                sleeper.sleep(delay.compareTo(left) < 0 ? delay : left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
            delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
        }
    }

    /** Probes until the condition holds (true) or the deadline passes (false). */
    public boolean until(Instant deadline, BooleanSupplier condition) {
        return until(deadline, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty()).isPresent();
    }
}
