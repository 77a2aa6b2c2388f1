package org.tandem.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.tandem.migrate.Plans.conf;
import static org.tandem.migrate.Plans.dhcp4;
import static org.tandem.migrate.Plans.lineOf;
import static org.tandem.migrate.Plans.plan;
import static org.tandem.migrate.Plans.subnet;

import org.junit.jupiter.api.Test;

/** One test per dhcpd construct the plan does not express: each is listed at its line, with the reason. */
class DhcpdToKeaRefusalTest {

    /** Plans {@code text} and expects exactly one unexpressed item: at {@code snippet}'s line, showing it, giving {@code reason}. */
    private static KeaMigrationPlan assertListed(String text, String snippet, String reason) {
        KeaMigrationPlan plan = plan(text);
        assertThat(plan.unexpressed()).singleElement().satisfies(u -> {
            assertThat(u.line()).isEqualTo(lineOf(text, snippet));
            assertThat(u.statement()).startsWith(snippet.strip().lines().findFirst().orElseThrow());
            assertThat(u.reason()).contains(reason);
        });
        assertThat(plan.complete()).isFalse();
        return plan;
    }

    @Test
    void classDeclaration_isListed() {
        assertListed(conf("class \"voip\" {\n  match if substring(option vendor-class-identifier, 0, 4) = \"voip\";\n}\n", "", ""),
                "class \"voip\" {", "client classes");
    }

    @Test
    void subclass_isListed() {
        assertListed(conf("subclass \"voip\" 1:00:11:22:33:44:55;\n", "", ""), "subclass \"voip\"", "client classes");
    }

    @Test
    void ifConditional_isListed() {
        assertListed(conf("", "  if option dhcp-user-class = \"x\" {\n    option routers 198.18.0.2;\n  }\n", ""),
                "if option dhcp-user-class", "conditional");
    }

    @Test
    void onCommit_isListed() {
        assertListed(conf("on commit {\n  execute(\"/usr/local/bin/notify\", \"x\");\n}\n", "", ""), "on commit {", "event hook");
    }

    @Test
    void unknownOption_isListed() {
        assertListed(conf("", "  option wpad-url \"http://wpad/wpad.dat\";\n", ""), "option wpad-url", "no Kea option of the same name");
    }

    @Test
    void optionSpaceDefinition_isListed() {
        assertListed(conf("option space pxelinux;\n", "", ""), "option space pxelinux;", "option space");
    }

    @Test
    void optionCodeDefinition_isListed() {
        assertListed(conf("option wpad-url code 252 = text;\n", "", ""), "option wpad-url code 252", "option definition");
    }

    @Test
    void optionWithHostNameForAddress_isListed() {
        assertListed(conf("", "  option routers gw.lab.example;\n", ""), "option routers gw.lab.example", "Kea does not resolve names");
    }

    @Test
    void optionWithExpressionValue_isListed() {
        assertListed(conf("", "  option host-name concat(\"pc-\", binary-to-ascii(16, 8, \"\", hardware));\n", ""),
                "option host-name concat", "not a plain");
    }

    @Test
    void optionTextWithComma_isListed() {
        assertListed(conf("option root-path \"198.18.0.9:/srv,ro\";\n", "", ""), "option root-path", "comma");
    }

    @Test
    void include_isListed() {
        assertListed(conf("include \"/etc/dhcp/extra.conf\";\n", "", ""), "include \"/etc/dhcp/extra.conf\";", "included file");
    }

    @Test
    void tsigKey_isListed() {
        assertListed(conf("key ddns-key {\n  algorithm hmac-sha256;\n  secret \"c2VjcmV0\";\n}\n", "", ""), "key ddns-key {", "TSIG");
    }

    @Test
    void dnsZone_isListed() {
        assertListed(conf("zone lab.example. {\n  primary 198.18.0.53;\n}\n", "", ""), "zone lab.example. {", "dynamic DNS");
    }

    @Test
    void ddnsUpdateStyleInterim_isListed() {
        String text = conf("", "", "").replace("ddns-update-style none;", "ddns-update-style interim;");
        assertListed(text, "ddns-update-style interim;", "kea-dhcp-ddns");
    }

    @Test
    void ddnsParameter_isListed() {
        assertListed(conf("ddns-domainname \"lab.example\";\n", "", ""), "ddns-domainname", "kea-dhcp-ddns");
    }

    @Test
    void poolAllowMembersOf_isListed() {
        assertListed(conf("", "", "    allow members of \"voip\";\n"), "allow members of \"voip\";", "restricted to clients or classes");
    }

    @Test
    void denyUnknownClientsInSubnet_isListed() {
        assertListed(conf("", "  deny unknown-clients;\n", ""), "deny unknown-clients;", "restricted to clients or classes");
    }

    @Test
    void dynamicBootpRange_isListedAndStillPlannedAsPool() {
        KeaMigrationPlan plan = assertListed(conf("", "  range dynamic-bootp 198.18.0.10 198.18.0.19;\n", ""),
                "range dynamic-bootp", "libdhcp_bootp.so");
        assertThat(subnet(dhcp4(plan), "198.18.0.0/24").path("pools").get(0).path("pool").asText()).isEqualTo("198.18.0.10 - 198.18.0.19");
    }

    @Test
    void bootpLeaseLength_isListed() {
        assertListed(conf("dynamic-bootp-lease-length 3600;\n", "", ""), "dynamic-bootp-lease-length", "BOOTP");
    }

    @Test
    void omapiPort_isListed() {
        assertListed(conf("omapi-port 7911;\n", "", ""), "omapi-port 7911;", "OMAPI");
    }

    @Test
    void leaseTimeInPool_isListed() {
        assertListed(conf("", "", "    default-lease-time 60;\n"), "default-lease-time 60;", "no per-pool");
    }

    @Test
    void hostWithoutFixedAddress_isListed() {
        assertListed(conf("", "  host roamer { hardware ethernet 00:11:22:33:44:55; }\n", ""), "host roamer {", "without fixed-address");
    }

    @Test
    void hostWithoutHardwareEthernet_isListed() {
        assertListed(conf("", "  host cid { fixed-address 198.18.0.7; }\n", ""),
                "host cid {", "hardware ethernet");
    }

    @Test
    void hostFixedAddressByName_isListed() {
        assertListed(conf("", "  host named { hardware ethernet 00:11:22:33:44:55; fixed-address printer.lab.example; }\n", ""),
                "host named {", "Kea reserves addresses only");
    }

    @Test
    void secondHostWithSameMac_isListedAndTheFirstKept() {
        KeaMigrationPlan plan = assertListed(conf("", "  host one { hardware ethernet 00:11:22:33:44:55; fixed-address 198.18.0.7; }\n"
                + "  host two { hardware ethernet 00:11:22:33:44:55; fixed-address 198.18.0.8; }\n", ""), "host two {", "already reserved");
        assertThat(subnet(dhcp4(plan), "198.18.0.0/24").path("reservations")).hasSize(1);
    }

    @Test
    void poolDirectlyInSharedNetwork_isListed() {
        String text = Plans.peer("split 256;", "")
                + "shared-network campus {\n"
                + "  subnet 198.18.2.0 netmask 255.255.255.0 { pool { failover peer \"lab-fo\"; range 198.18.2.10 198.18.2.20; } }\n"
                + "  pool {\n    range 198.18.2.50 198.18.2.60;\n  }\n"
                + "}\n";
        assertListed(text, "pool {\n    range 198.18.2.50", "Kea pools belong to a subnet");
    }

    @Test
    void poolOfAnotherRelationship_isListedAndLeftOut() {
        KeaMigrationPlan plan = assertListed(conf("", "  pool {\n    failover peer \"other-fo\";\n    range 198.18.0.10 198.18.0.19;\n  }\n", ""),
                "failover peer \"other-fo\";", "belongs to failover relationship \"other-fo\"");
        assertThat(subnet(dhcp4(plan), "198.18.0.0/24").path("pools")).hasSize(1);
    }

    @Test
    void unevenSplit_isListedAtTheSplitLine() {
        String text = conf("", "", "").replace("split 256;", "split 200;");
        assertListed(text, "split 200;", "50/50");
    }

    @Test
    void autoPartnerDown_isListedAtItsLine() {
        String text = conf("", "", "").replace("  load balance max seconds 3;\n", "  load balance max seconds 3;\n  auto-partner-down 600;\n");
        assertListed(text, "auto-partner-down 600;", "never after a time");
    }

    @Test
    void maxResponseDelayBeyondKea22_isListedAndCapped() {
        String text = conf("", "", "").replace("max-response-delay 10;", "max-response-delay 120;");
        KeaMigrationPlan plan = assertListed(text, "max-response-delay 120;", "65535");
        assertThat(dhcp4(plan).path("hooks-libraries").get(1).path("parameters").path("high-availability").get(0)
                .path("max-response-delay").asInt()).isEqualTo(65_535);
    }

    @Test
    void anotherFailoverRelationship_isListed() {
        String text = conf("", "", "") + Plans.peer("split 128;", "").replace("lab-fo", "other-fo");
        assertListed(text, "failover peer \"other-fo\" {", "another failover relationship");
    }

    @Test
    void unknownStatement_isListed() {
        assertListed(conf("one-lease-per-client true;\n", "", ""), "one-lease-per-client true;", "no Kea translation");
    }

    @Test
    void hostNameKeaDoesNotTake_isListedAndReservedWithoutIt() {
        KeaMigrationPlan plan = assertListed(conf("", "  host \"Bob's laptop\" { hardware ethernet 00:11:22:33:44:55; fixed-address 198.18.0.7; }\n", ""),
                "host \"Bob's laptop\" {", "reserved without it");
        com.fasterxml.jackson.databind.JsonNode r = subnet(dhcp4(plan), "198.18.0.0/24").path("reservations").get(0);
        assertThat(r.path("ip-address").asText()).isEqualTo("198.18.0.7");
        assertThat(r.has("hostname")).isFalse();
    }
}
