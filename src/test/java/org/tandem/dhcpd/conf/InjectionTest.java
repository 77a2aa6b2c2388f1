package org.tandem.dhcpd.conf;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.DhcpdConfModel.Role;
import org.tandem.kea.config.KeaOptionData;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaReservation;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * Tries to inject dhcpd.conf syntax and Kea JSON through every value Tandem writes into a server
 * config (failover peer name, addresses, hba; Kea option name, client class, reservation hostname and
 * identifiers): each hostile value is refused with an error naming its field, and each value that is
 * accepted yields a config the real {@code dhcpd -t} accepts with exactly one failover peer, named as given.
 */
class InjectionTest {

    /** Values that would close a string, a block or a statement, start a comment or a new line, or are not ASCII. */
    static final List<String> PAYLOADS = List.of(
            "fo\"; } failover peer \"evil\" { primary;", "fo;", "fo}", "fo{", "fo\nsubnet 10.0.0.0 netmask 255.0.0.0 { }", "fo\r\n",
            "fo#comment", "fo\u0000", "fo'", "fo\\\"", "fo bar", "Ümlaut", "名前", "fo\u202E", "\"}, \"subnet4\": [{\"id\": 1}], \"x\": \"",
            "fo\",\"data\":\"6.6.6.6", "${jndi:ldap://127.0.0.1/a}", "include \"/etc/shadow\"", "", "x".repeat(65));
    static final List<String> BAD_ADDRESSES = List.of("198.18.0.1; deny unknown-clients", "198.18.0.1\n", "198.18.0.1 }", "\"198.18.0.1\"",
            "300.0.0.1", "198.18.0.1#", "host name", "");
    static final List<String> BAD_HBA = List.of("ff:ff; }", "ff:ff:\"", "zz", "ff\n", "");

    private static final String CONF = """
            authoritative;
            subnet 198.18.0.0 netmask 255.255.255.0 {
              pool {
                range 198.18.0.100 198.18.0.199;
              }
            }
            """;
    private static final Ipv4Range NET = Ipv4Range.parseCidr("s", "198.18.0.0/24");

    @BeforeAll
    static void dhcpdPresent() {
        RealDhcpd.requireInstalled();
    }

    private static FailoverPeerSpec.Builder spec(String name, String address, String peerAddress) {
        return FailoverPeerSpec.builder(name, Role.PRIMARY, address, peerAddress);
    }

    /** Refused naming {@code field}, or accepted and then dhcpd -t must accept the result with one peer named {@code name}. */
    private static int tryDhcpd(String field, Supplier<FailoverPeerSpec.Builder> hostile, List<String> accepted) {
        FailoverPeerSpec spec;
        try {
            spec = hostile.get().build();
        } catch (UserError e) {
            assertThat(e.field()).as("field named by: %s", e.getMessage()).isEqualTo(field);
            assertThat(e.getMessage()).hasSizeGreaterThan(field.length() + 5);
            return 1;
        }
        DhcpdConf conf = DhcpdConf.parse(CONF);
        new DhcpdConfEditor(conf).enableFailover(NET, spec);
        String text = conf.render();
        RealDhcpd.Result r = RealDhcpd.syntaxCheck(text);
        assertThat(r.ok()).as("dhcpd -t on:\n%s\n---\n%s", text, r.output()).isTrue();
        List<DhcpdConfModel.FailoverPeer> peers = DhcpdConf.parse(text).model().failoverPeers();
        assertThat(peers).hasSize(1);
        assertThat(peers.get(0).name()).isEqualTo(spec.name());
        accepted.add(field + "=" + spec.name());
        return 0;
    }

    @Test
    void failoverPeer_hostileNameAddressOrHba_refusedNamingTheField_orWrittenSafely() {
        List<String> accepted = new ArrayList<>();
        int refused = 0;
        for (String p : PAYLOADS) {
            refused += tryDhcpd("name", () -> spec(p, "198.18.0.1", "198.18.0.2"), accepted);
        }
        for (String p : BAD_ADDRESSES) {
            refused += tryDhcpd("address", () -> spec("fo-1", p, "198.18.0.2"), accepted);
            refused += tryDhcpd("peerAddress", () -> spec("fo-1", "198.18.0.1", p), accepted);
        }
        for (String p : BAD_HBA) {
            refused += tryDhcpd("hba", () -> spec("fo-1", "198.18.0.1", "198.18.0.2").hba(p), accepted);
        }
        // The control: a plain name goes through and dhcpd accepts it, so the checks above can fail.
        assertThat(tryDhcpd("name", () -> spec("fo-1.a_b", "198.18.0.1", "198.18.0.2"), accepted)).isZero();
        assertThat(refused).isEqualTo(PAYLOADS.size() + 2 * BAD_ADDRESSES.size() + BAD_HBA.size());
        System.out.printf("InjectionTest dhcpd: %d hostile values refused, %d accepted and checked by dhcpd -t%n", refused, accepted.size());
    }

    private static void assertRefused(String field, Runnable r) {
        try {
            r.run();
        } catch (UserError e) {
            assertThat(e.field()).as("field named by: %s", e.getMessage()).isEqualTo(field);
            return;
        }
        throw new AssertionError(field + " accepted a hostile value");
    }

    @Test
    void kea_hostileOptionNameClientClassHostnameOrIdentifier_refusedNamingTheField() {
        Ipv4Range pool = Ipv4Range.parse("from", "198.18.0.10", "to", "198.18.0.20");
        Ipv4Address ip = Ipv4Address.parse("ip", "198.18.0.5");
        int refused = 0;
        for (String p : PAYLOADS) {
            assertRefused("option-data.name", () -> new KeaOptionData(p, null, "198.18.0.1"));
            assertRefused("client-class", () -> new KeaPool(pool, p));
            assertRefused("hostname", () -> KeaReservation.of(KeaReservation.Identifier.HW_ADDRESS, "00:11:22:33:44:55", ip, p));
            refused += 3;
            if (!p.isEmpty()) { // appended to a valid identifier, the empty payload leaves it valid
                assertRefused("hw-address", () -> KeaReservation.of(KeaReservation.Identifier.HW_ADDRESS, "00:11" + p, ip, "host1"));
                assertRefused("client-id", () -> KeaReservation.of(KeaReservation.Identifier.CLIENT_ID, "01:02" + p, ip, "host1"));
                refused += 2;
            }
        }
        // A quoted flex-id is text to Kea: a quote or a control character inside it is refused.
        for (String p : List.of("'a'b'", "'a\n'", "'a\u0000'", "''", "'unterminated")) {
            assertRefused("flex-id", () -> KeaReservation.of(KeaReservation.Identifier.FLEX_ID, p, ip, "host1"));
            refused++;
        }
        // Controls: plain values are accepted.
        new KeaOptionData("routers", null, "198.18.0.1");
        new KeaPool(pool, "voip-phones");
        KeaReservation.of(KeaReservation.Identifier.HW_ADDRESS, "00:11:22:33:44:55", ip, "printer-1");
        KeaReservation.of(KeaReservation.Identifier.FLEX_ID, "'printer 1'", ip, "printer-1");
        System.out.printf("InjectionTest Kea: %d hostile values refused%n", refused);
    }

    /**
     * Micetro's reservation fields (issue 13) reach dhcpd.conf as host statements: each hostile value is refused naming its
     * field, in the API's check ({@code Reservation.Boot.of}) and again in the editor; what passes both is written and
     * dhcpd -t accepts the file with the value read back exactly.
     */
    @Test
    void dhcpdHost_hostileBootValues_refusedNamingTheField_orWrittenSafely() {
        Ipv4Address ip = Ipv4Address.parse("ip", "198.18.0.5");
        int refused = 0;
        int accepted = 0;
        List<String> fields = org.tandem.scope.Reservation.Boot.FIELDS;
        for (String p : PAYLOADS) {
            for (int i = 0; i < fields.size(); i++) {
                String field = fields.get(i);
                String keyword = DhcpdConfEditor.HOST_PARAMETERS.get(i);
                String[] values = new String[4];
                values[i] = p;
                try {
                    org.tandem.scope.Reservation.Boot.of("r", values[0], values[1], values[2], values[3]);
                } catch (UserError e) {
                    if (p.isEmpty()) {
                        throw new AssertionError("an empty value means not set, not an error", e);
                    }
                    assertThat(e.field()).as("field named by: %s", e.getMessage()).isEqualTo("r." + field);
                    refused++;
                }
                if (p.isEmpty()) {
                    continue;   // "" is "not set" for Micetro's clients; the editor never sees it
                }
                DhcpdConf conf = DhcpdConf.parse(CONF);
                DhcpdConfEditor editor = new DhcpdConfEditor(conf);
                try {
                    editor.addHost(NET, "host1", "00:11:22:33:44:55", ip, java.util.Map.of(keyword, p));
                } catch (UserError e) {
                    assertThat(e.field()).as("field named by: %s", e.getMessage()).isEqualTo(keyword);
                    refused++;
                    continue;
                }
                String text = conf.render();
                RealDhcpd.Result r = RealDhcpd.syntaxCheck(text);
                assertThat(r.ok()).as("dhcpd -t on:\n%s\n---\n%s", text, r.output()).isTrue();
                assertThat(DhcpdConf.parse(text).model().hosts()).singleElement()
                        .satisfies(h -> assertThat(h.parameters()).containsExactly(java.util.Map.entry(keyword, p)));
                accepted++;
            }
        }
        // The control: plain values of every field are written, read back, and dhcpd accepts them; then edited in place.
        DhcpdConf conf = DhcpdConf.parse(CONF);
        DhcpdConfEditor editor = new DhcpdConfEditor(conf);
        editor.addHost(NET, "host1", "00:11:22:33:44:55", ip, java.util.Map.of("ddns-hostname", "printer.example.org",
                "filename", "pxelinux.0", "server-name", "boot.example.org", "next-server", "198.18.0.2"));
        for (String p : PAYLOADS) {
            if (!p.isEmpty() && !p.equals("x".repeat(65))) {
                assertRefused("filename", () -> editor.modifyHost("00:11:22:33:44:55", ip, null, null, null, java.util.Map.of("filename", p)));
                assertRefused("name", () -> editor.modifyHost("00:11:22:33:44:55", ip, p, null, null, java.util.Map.of()));
                refused += 2;
            }
        }
        editor.modifyHost("00:11:22:33:44:55", ip, "host2", null, null, java.util.Map.of("filename", "grub.efi"));
        java.util.Map<String, String> params = new java.util.HashMap<>();
        params.put("server-name", null);
        editor.modifyHost("00:11:22:33:44:55", ip, null, null, null, params);
        String text = conf.render();
        assertThat(RealDhcpd.syntaxCheck(text).ok()).as(text).isTrue();
        assertThat(DhcpdConf.parse(text).model().hosts()).singleElement().satisfies(h -> {
            assertThat(h.name()).isEqualTo("host2");
            assertThat(h.parameters()).containsOnly(java.util.Map.entry("ddns-hostname", "printer.example.org"),
                    java.util.Map.entry("filename", "grub.efi"), java.util.Map.entry("next-server", "198.18.0.2"));
        });
        System.out.printf("InjectionTest dhcpd host values: %d hostile values refused, %d accepted and checked by dhcpd -t%n", refused, accepted);
    }

    @Test
    void keaReservation_hostileBootValues_refusedNamingTheKey() {
        Ipv4Address ip = Ipv4Address.parse("ip", "198.18.0.5");
        KeaReservation plain = KeaReservation.of(KeaReservation.Identifier.HW_ADDRESS, "00:11:22:33:44:55", ip, "host1");
        int refused = 0;
        for (String p : PAYLOADS) {
            if (p.equals("x".repeat(65))) {
                continue;   // a plain 65-letter name is a valid boot file name
            }
            assertRefused("boot-file-name", () -> plain.withBoot(p, null, null));
            assertRefused("server-hostname", () -> plain.withBoot(null, p, null));
            assertRefused("next-server", () -> plain.withBoot(null, null, p));
            refused += 3;
        }
        assertThat(plain.withBoot("pxelinux.0", "boot.example.org", "198.18.0.2").nextServer()).isEqualTo("198.18.0.2");
        System.out.printf("InjectionTest Kea boot values: %d hostile values refused%n", refused);
    }
}
