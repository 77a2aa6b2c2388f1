package org.tandem.kea.ha;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.kea.FakeKea;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.testing.MutableClock;

class KeaHaStatusPullerTest {

    @Test
    void run_recordsStateChangesWithTheClocksTime_andAFailoverWhenPartnerDown() throws Exception {
        try (FakeKea fake = new FakeKea()) {
            String hotStandby = FakeKea.resource("kea22-status-get-hot-standby-primary.json");
            fake.answer("status-get", hotStandby).answerFile("ha-heartbeat", "kea22-ha-heartbeat.json");
            MutableClock clock = new MutableClock(Instant.parse("2026-11-22T05:00:00Z"));
            InMemoryKeaHaStateLog log = new InMemoryKeaHaStateLog();
            KeaHaStatusPuller puller = new KeaHaStatusPuller(List.of(new KeaClient("kea1", KeaEndpoint.ControlAgent.of(fake.url()))), log, clock);

            puller.run();
            clock.advance(Duration.ofSeconds(5));
            puller.run();
            assertThat(log.changes()).singleElement().satisfies(c -> {
                assertThat(c.from()).isNull();
                assertThat(c.to()).isEqualTo("hot-standby");
                assertThat(c.at()).isEqualTo(Instant.parse("2026-11-22T05:00:00Z"));
            });

            fake.answer("status-get", hotStandby.replace("\"state\": \"hot-standby\"", "\"state\": \"partner-down\""));
            clock.advance(Duration.ofSeconds(5));
            puller.run();
            assertThat(log.lastFailover("kea1")).contains(Instant.parse("2026-11-22T05:00:10Z"));

            fake.answer("status-get", "garbage");
            clock.advance(Duration.ofSeconds(5));
            puller.run();
            assertThat(log.latest("kea1").orElseThrow().localState()).isEqualTo("unavailable");
            assertThat(log.changes()).extracting(KeaHaStateListener.KeaHaStateChange::to)
                    .containsExactly("hot-standby", "partner-down", "unavailable");
        }
    }
}
