package org.tandem.dhcpd.leases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tandem.dhcpd.DhcpdFailoverState;

class LeasesParserTest {

    private static LeasesFile load(String name) throws IOException {
        return LeasesParser.parse(Files.readString(Path.of("src/test/resources/leases", name)));
    }

    @Test
    void parse_dhcpd443PrimaryAfterPartnerDown_lastStateBlockWins() throws IOException {
        LeasesFile f = load("primary-after-partner-down.leases");
        PeerStateRecord s = f.failoverStates().get("tandem-fo");
        assertThat(s.myState()).isEqualTo(DhcpdFailoverState.PARTNER_DOWN);
        assertThat(s.partnerState()).isEqualTo(DhcpdFailoverState.NORMAL);
        assertThat(s.myStateSince()).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
        // The pool 100-199 is split between the peers: each address appears once, free or backup.
        assertThat(f.leases()).hasSize(100);
        assertThat(f.leases()).extracting(Lease::bindingState).containsOnly(BindingState.FREE, BindingState.BACKUP);
        assertThat(f.leases().get(0).address().toString()).endsWith(".100");
    }

    @Test
    void parse_dhcpd443SecondaryStopped_readsSecondaryMclt() throws IOException {
        PeerStateRecord s = load("secondary-stopped.leases").failoverStates().get("tandem-fo");
        assertThat(s.myState()).isEqualTo(DhcpdFailoverState.NORMAL);
        assertThat(s.mcltSeconds()).isEqualTo(30L);
    }

    @Test
    void parse_handShapedFile_readsEveryLeaseFieldAndSkipsOtherRecords() throws IOException {
        LeasesFile f = load("hand-shaped.leases");
        assertThat(f.leases()).hasSize(2);
        Lease rewritten = f.leases().get(0);
        // The later record for .150 replaces the earlier one, as when dhcpd reads the file back.
        assertThat(rewritten.bindingState()).isEqualTo(BindingState.FREE);
        assertThat(rewritten.hardware()).isNull();
        Lease bootp = f.leases().get(1);
        assertThat(bootp.bindingState()).isEqualTo(BindingState.BOOTP);
        assertThat(bootp.starts()).isEqualTo(Instant.ofEpochSecond(1763800000L));
        assertThat(bootp.ends()).isEqualTo(Instant.MAX);
        assertThat(bootp.uid()).isEqualTo("01:00:16:3e:aa:bb:cd");
        PeerStateRecord s = f.failoverStates().get("dc-pair");
        assertThat(s.myState()).isEqualTo(DhcpdFailoverState.COMMUNICATIONS_INTERRUPTED);
        assertThat(s.partnerStateSince()).isNull();
        assertThat(s.mcltSeconds()).isEqualTo(3600L);
    }

    @Test
    void parse_activeLease_readsTimesHardwareUidAndHostname() {
        LeasesFile f = LeasesParser.parse("""
                lease 10.99.0.150 {
                  starts 3 2026/11/18 09:12:44;
                  ends 3 2026/11/18 09:22:44;
                  cltt 3 2026/11/18 09:12:44;
                  binding state active;
                  next binding state expired;
                  hardware ethernet 0:16:3e:a:b:c;
                  uid "\\001\\000\\026>\\012\\013\\014";
                  client-hostname "laptop-7";
                }
                """);
        Lease l = f.leases().get(0);
        assertThat(l.bindingState()).isEqualTo(BindingState.ACTIVE);
        assertThat(l.nextBindingState()).isEqualTo(BindingState.EXPIRED);
        assertThat(l.starts()).isEqualTo(Instant.parse("2026-11-18T09:12:44Z"));
        assertThat(l.ends()).isEqualTo(Instant.parse("2026-11-18T09:22:44Z"));
        assertThat(l.hardware()).isEqualTo("ethernet 00:16:3e:0a:0b:0c");
        assertThat(l.uid()).isEqualTo("01:00:16:3e:0a:0b:0c");
        assertThat(l.clientHostname()).isEqualTo("laptop-7");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unterminated lease          | lease 10.0.0.1 {\\n  binding state active;\\n                         | 1 | no closing
            missing semicolon           | lease 10.0.0.1 {\\n  binding state active\\n}\\n                | 3 | expected ";"
            unknown binding state       | lease 10.0.0.1 {\\n  binding state lent;\\n}\\n                  | 2 | "lent" is not a binding state
            bad address                 | lease 10.0.0.256 {\\n}\\n                                        | 1 | not an IPv4 address
            bad date                    | lease 10.0.0.1 {\\n\\n  starts 3 2026/13/18 09:12:44;\\n}\\n    | 3 | not a valid date
            unknown failover state      | failover peer "p" state {\\n  my state fine;\\n}\\n            | 2 | "fine" is not a dhcpd failover state
            peer state keyword          | failover peer "p" state {\\n  peer state normal;\\n}\\n        | 2 | expected "my state"
            no partner state            | failover peer "p" state {\\n  my state normal;\\n}\\n          | 1 | no "partner state"
            stray closing brace         | }\\n                                                            | 1 | expected a record
            unknown record              | \\n\\nleases 10.0.0.1 {}\\n                                     | 3 | unknown record "leases"
            unclosed string             | lease 10.0.0.1 {\\n  client-hostname "x;\\n}\\n                  | 2 | never closed
            """)
    void parse_brokenFile_failsNamingTheLine(String scenario, String text, int line, String problem) {
        assertThatThrownBy(() -> LeasesParser.parse(text.replace("\\n", "\n")))
                .isInstanceOfSatisfying(LeasesParseException.class, e -> assertThat(e.line()).isEqualTo(line))
                .hasMessageContaining("line " + line + ":")
                .hasMessageContaining(problem);
    }

    @Test
    void parse_emptyFile_hasNoLeasesAndNoStates() {
        LeasesFile f = LeasesParser.parse("# nothing yet\n");
        assertThat(f.leases()).isEmpty();
        assertThat(f.failoverStates()).isEmpty();
    }
}
