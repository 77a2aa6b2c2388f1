package org.tandem.change;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.tandem.testing.MutableClock;

class PollerTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T05:00:00Z"));
    private final List<Duration> pauses = new ArrayList<>();
    private final Poller poller = new Poller(clock, pause -> {
        pauses.add(pause);
        clock.advance(pause);
    }, Duration.ofMillis(100), Duration.ofSeconds(1));

    @Test
    void until_stateNeverReached_backsOffAndGivesUpExactlyAtTheDeadline() {
        Instant deadline = clock.instant().plusSeconds(3);

        boolean reached = poller.until(deadline, () -> false);

        assertThat(reached).isFalse();
        assertThat(clock.instant()).isEqualTo(deadline);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400),
                Duration.ofMillis(800), Duration.ofSeconds(1), Duration.ofMillis(500));
    }

    @Test
    void until_stateReachedOnThirdProbe_returnsItsValue() {
        int[] probes = {0};

        Optional<String> state = poller.until(clock.instant().plusSeconds(60),
                () -> ++probes[0] == 3 ? Optional.of("normal") : Optional.empty());

        assertThat(state).contains("normal");
        assertThat(probes[0]).isEqualTo(3);
    }

    @Test
    void until_deadlineAlreadyPassed_probesOnce() {
        int[] probes = {0};

        assertThat(poller.until(clock.instant().minusSeconds(1), () -> ++probes[0] > 5)).isFalse();
        assertThat(probes[0]).isEqualTo(1);
    }
}
