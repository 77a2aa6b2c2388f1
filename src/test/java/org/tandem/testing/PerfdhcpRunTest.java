package org.tandem.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PerfdhcpRun's reading of real perfdhcp 2.2 output (captured in src/test/resources/perfdhcp) and its gap arithmetic. */
class PerfdhcpRunTest {

    private static final Instant ORIGIN = Instant.parse("2026-12-03T11:16:56Z");

    private static PerfdhcpRun.Parsed read(String name) throws Exception {
        return PerfdhcpRun.parse(Files.readString(Path.of("src/test/resources/perfdhcp", name)), ORIGIN);
    }

    private static Instant at(String seconds) {
        return ORIGIN.plus(Duration.parse("PT" + seconds + "S"));
    }

    private static List<Instant> answers(PerfdhcpRun.Parsed p) {
        return p.exchanges().stream().map(PerfdhcpRun.Exchange::received).sorted().toList();
    }

    @Test
    void parse_dhcpdPeerStopped_readsEveryExchangeAndTheCounters() throws Exception {
        PerfdhcpRun.Parsed p = read("perfdhcp22-dhcpd-peer-stopped.out");

        assertThat(p.exchanges()).hasSize(638);
        assertThat(p.exchanges()).filteredOn(e -> e.type().equals("DISCOVER-OFFER")).hasSize(319);
        assertThat(p.exchanges()).filteredOn(e -> e.type().equals("REQUEST-ACK")).hasSize(319);
        assertThat(p.exchanges().get(0)).isEqualTo(new PerfdhcpRun.Exchange("DISCOVER-OFFER", at("0.011259"), at("0.015735")));
        assertThat(p.counters()).containsExactly(
                new PerfdhcpRun.Counters("DISCOVER-OFFER", 319, 319, 0, 0),
                new PerfdhcpRun.Counters("REQUEST-ACK", 319, 319, 0, 97));
    }

    @Test
    void longestGap_dhcpdPeerStopped_isTheNormalSpacingAroundTheStop() throws Exception {
        List<Instant> answers = answers(read("perfdhcp22-dhcpd-peer-stopped.out"));
        Instant end = at("16");

        // The secondary was stopped at 5.93 s: nothing longer than perfdhcp's own 50 ms spacing around it.
        assertThat(PerfdhcpRun.longestGap(answers, ORIGIN, end, at("5.4"), at("8"))).isLessThan(Duration.ofMillis(60));
        assertThat(PerfdhcpRun.longestGap(answers, ORIGIN, end, ORIGIN, end)).isEqualTo(Duration.parse("PT0.085733S"));
    }

    @Test
    void longestGap_windowWithoutAnswersUntilTheEnd_countsTheRestOfTheRun() throws Exception {
        List<Instant> answers = answers(read("perfdhcp22-dhcpd-peer-stopped.out")).stream().filter(a -> a.isBefore(at("6"))).toList();

        assertThat(PerfdhcpRun.longestGap(answers, ORIGIN, at("16"), at("7"), at("8")))
                .isGreaterThan(Duration.ofSeconds(10)).isLessThanOrEqualTo(Duration.ofSeconds(11));
    }

    @Test
    void unansweredDiscovers_keaPeerOpensLate_seesTheHalfOfClientsThatTheGapHides() throws Exception {
        PerfdhcpRun.Parsed p = read("perfdhcp22-kea-peer-opens-late.out");
        Instant end = at("14");

        assertThat(p.counters().get(0)).isEqualTo(new PerfdhcpRun.Counters("DISCOVER-OFFER", 279, 264, 15, 41));
        assertThat(PerfdhcpRun.longestGap(answers(p), ORIGIN, end, at("3.9"), at("5.3"))).isLessThan(Duration.ofMillis(250));
        assertThat(PerfdhcpRun.unansweredDiscovers(p.exchanges(), 20, ORIGIN, end, at("3.9"), at("5.3"))).isEqualTo(15);
        assertThat(PerfdhcpRun.unansweredDiscovers(p.exchanges(), 20, ORIGIN, end, at("6"), at("10"))).isZero();
    }

    @Test
    void isoDuration_pastOneMinute_readsHoursMinutesSeconds() {
        // boost prints a duration as HHMMSS.ffffff: reading it as a number would make 61.5 s into 101.5 s.
        assertThat(PerfdhcpRun.isoDuration("000101.500000")).isEqualTo(Duration.ofMillis(61_500));
        assertThat(PerfdhcpRun.isoDuration("010000.000001")).isEqualTo(Duration.ofHours(1).plusNanos(1000));
        assertThat(PerfdhcpRun.isoDuration("000002")).isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> PerfdhcpRun.isoDuration("2.5")).isInstanceOf(IllegalArgumentException.class);
    }
}
