package org.tandem.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.tandem.migrate.Plans.conf;
import static org.tandem.migrate.Plans.dhcp4;
import static org.tandem.migrate.Plans.lineOf;
import static org.tandem.migrate.Plans.plan;
import static org.tandem.migrate.Plans.subnet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.kea.config.KeaHaConfig;

class DhcpdToKeaTest {

    private static List<String> texts(JsonNode array, String key) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(key).asText()));
        return out;
    }

    private static String optionData(JsonNode level, String name) {
        for (JsonNode o : level.path("option-data")) {
            if (o.path("name").asText().equals(name)) {
                return o.path("data").asText();
            }
        }
        return null;
    }

    @Test
    void plan_subnetWithRelationshipPool_becomesSubnetWhoseIdIsTheNetworkAddress() {
        KeaMigrationPlan plan = plan(conf("", "", ""));

        JsonNode s = subnet(dhcp4(plan), "198.18.0.0/24");
        assertThat(s.path("id").asLong()).isEqualTo((198L << 24) | (18L << 16));
        assertThat(texts(s.path("pools"), "pool")).containsExactly("198.18.0.100 - 198.18.0.199");
        assertThat(plan.complete()).as(plan.unexpressed().toString()).isTrue();
    }

    @Test
    void plan_subnetWithoutRelationshipPool_isListedAsLeftOnDhcpd() {
        String text = conf("", "", "") + "subnet 198.18.9.0 netmask 255.255.255.0 {\n  range 198.18.9.10 198.18.9.20;\n}\n";
        KeaMigrationPlan plan = plan(text);

        assertThat(Plans.subnets(dhcp4(plan))).extracting(s -> s.path("subnet").asText()).containsExactly("198.18.0.0/24");
        assertThat(plan.unexpressed()).containsExactly(new Unexpressed(lineOf(text, "subnet 198.18.9.0"),
                "subnet 198.18.9.0 netmask 255.255.255.0 {",
                "no pool of this subnet names failover peer \"lab-fo\"; not in the relationship, left on dhcpd"));
    }

    @Test
    void plan_rangesInPoolsAndBareInSubnet_becomeOnePoolEach() {
        String text = conf("", "  range 198.18.0.10 198.18.0.19;\n  range 198.18.0.30;\n", "    range 198.18.0.200 198.18.0.209;\n");
        JsonNode s = subnet(dhcp4(plan(text)), "198.18.0.0/24");

        assertThat(texts(s.path("pools"), "pool")).containsExactly("198.18.0.10 - 198.18.0.19", "198.18.0.30 - 198.18.0.30",
                "198.18.0.200 - 198.18.0.209", "198.18.0.100 - 198.18.0.199");
    }

    @Test
    void plan_hostInSubnet_becomesReservationWithMacAddressAndHostname() {
        String text = conf("", "  host printer-1 {\n    hardware ethernet 0:11:22:33:44:5;\n    fixed-address 198.18.0.20;\n  }\n", "");
        JsonNode r = subnet(dhcp4(plan(text)), "198.18.0.0/24").path("reservations").get(0);

        assertThat(r.path("hw-address").asText()).isEqualTo("00:11:22:33:44:05");
        assertThat(r.path("ip-address").asText()).isEqualTo("198.18.0.20");
        assertThat(r.path("hostname").asText()).isEqualTo("printer-1");
    }

    @Test
    void plan_globalHostWithAddressInMigratedSubnet_isReservedInThatSubnet() {
        String text = conf("", "", "") + "host cam { hardware ethernet 00:0a:0b:0c:0d:0e; fixed-address 198.18.0.5; option host-name \"cam-1\"; next-server 198.18.0.9; filename \"pxe/boot.0\"; }\n";
        JsonNode r = subnet(dhcp4(plan(text)), "198.18.0.0/24").path("reservations").get(0);

        assertThat(r.path("ip-address").asText()).isEqualTo("198.18.0.5");
        assertThat(r.path("hostname").asText()).as("option host-name wins over the declaration's name").isEqualTo("cam-1");
        assertThat(r.path("next-server").asText()).isEqualTo("198.18.0.9");
        assertThat(r.path("boot-file-name").asText()).isEqualTo("pxe/boot.0");
    }

    @Test
    void plan_globalHostInSubnetOutsideRelationship_isListed() {
        String text = conf("", "", "") + "subnet 10.9.0.0 netmask 255.255.0.0 { }\n"
                + "host far { hardware ethernet 00:0a:0b:0c:0d:0f; fixed-address 10.9.0.5; }\n";
        KeaMigrationPlan plan = plan(text);

        assertThat(plan.unexpressed()).anySatisfy(u -> {
            assertThat(u.line()).isEqualTo(lineOf(text, "host far"));
            assertThat(u.reason()).contains("10.9.0.5").contains("not in the relationship");
        });
    }

    @Test
    void plan_optionsAtEveryLevel_landAtTheMatchingKeaLevel() {
        String text = "option domain-name-servers 198.18.0.53, 198.18.0.54;\n"
                + Plans.peer("split 256;", "")
                + "shared-network \"floor 2\" {\n"
                + "  option domain-name \"floor2.lab.example\";\n"
                + "  subnet 198.18.2.0 netmask 255.255.255.0 {\n"
                + "    option routers 198.18.2.1;\n"
                + "    pool {\n"
                + "      failover peer \"lab-fo\";\n"
                + "      option domain-search \"a.lab.example\", \"lab.example\";\n"
                + "      option ip-forwarding off;\n"
                + "      range 198.18.2.10 198.18.2.20;\n"
                + "    }\n"
                + "    host p { hardware ethernet 00:11:22:33:44:55; fixed-address 198.18.2.5; option time-offset -3600; }\n"
                + "  }\n"
                + "}\n";
        KeaMigrationPlan plan = plan(text);
        JsonNode d = dhcp4(plan);
        JsonNode net = d.path("shared-networks").get(0);
        JsonNode s = subnet(d, "198.18.2.0/24");

        assertThat(plan.unexpressed()).isEmpty();
        assertThat(optionData(d, "domain-name-servers")).isEqualTo("198.18.0.53, 198.18.0.54");
        assertThat(optionData(net, "domain-name")).isEqualTo("floor2.lab.example");
        assertThat(optionData(s, "routers")).isEqualTo("198.18.2.1");
        assertThat(optionData(s.path("pools").get(0), "domain-search")).isEqualTo("a.lab.example, lab.example");
        assertThat(optionData(s.path("pools").get(0), "ip-forwarding")).isEqualTo("false");
        assertThat(optionData(s.path("reservations").get(0), "time-offset")).isEqualTo("-3600");
    }

    @Test
    void plan_leaseTimes_becomeLifetimesAtTheirLevel() {
        String text = conf("default-lease-time 600;\nmax-lease-time 7200;\nmin-lease-time 60;\n", "  default-lease-time 900;\n", "");
        JsonNode d = dhcp4(plan(text));

        assertThat(d.path("valid-lifetime").asLong()).isEqualTo(600);
        assertThat(d.path("max-valid-lifetime").asLong()).isEqualTo(7200);
        assertThat(d.path("min-valid-lifetime").asLong()).isEqualTo(60);
        assertThat(subnet(d, "198.18.0.0/24").path("valid-lifetime").asLong()).isEqualTo(900);
    }

    @Test
    void plan_sharedNetwork_becomesKeaSharedNetworkWithItsRelationshipSubnets() {
        String text = Plans.peer("split 256;", "")
                + "shared-network campus {\n"
                + "  max-lease-time 3600;\n"
                + "  subnet 198.18.2.0 netmask 255.255.255.0 { pool { failover peer \"lab-fo\"; range 198.18.2.10 198.18.2.20; } }\n"
                + "  subnet 198.18.3.0 netmask 255.255.255.0 { pool { failover peer \"lab-fo\"; range 198.18.3.10 198.18.3.20; } }\n"
                + "}\n";
        JsonNode net = dhcp4(plan(text)).path("shared-networks").get(0);

        assertThat(net.path("name").asText()).isEqualTo("campus");
        assertThat(net.path("max-valid-lifetime").asLong()).isEqualTo(3600);
        assertThat(texts(net.path("subnet4"), "subnet")).containsExactly("198.18.2.0/24", "198.18.3.0/24");
    }

    @Test
    void plan_sharedNetworkNameWithQuoteAndBackslash_isEscapedByJackson() throws Exception {
        String text = Plans.peer("split 256;", "")
                + "shared-network \"a\\\"b\\\\c\" {\n"
                + "  subnet 198.18.2.0 netmask 255.255.255.0 { pool { failover peer \"lab-fo\"; range 198.18.2.10 198.18.2.20; } }\n"
                + "}\n";
        String json = plan(text).dhcp4("kea-a");

        assertThat(new ObjectMapper().readTree(json).path("Dhcp4").path("shared-networks").get(0).path("name").asText()).isEqualTo("a\"b\\c");
    }

    @Test
    void plan_split128_isLoadBalancingWithPrimarySecondaryAndSplitPools() {
        String text = conf("", "", "").replace("split 256;", "split 128;");
        KeaMigrationPlan plan = plan(text);
        JsonNode ha = dhcp4(plan).path("hooks-libraries").get(1).path("parameters").path("high-availability").get(0);

        assertThat(plan.mode()).isEqualTo(KeaHaConfig.Mode.LOAD_BALANCING);
        assertThat(ha.path("mode").asText()).isEqualTo("load-balancing");
        assertThat(texts(ha.path("peers"), "role")).containsExactly("primary", "secondary");
        assertThat(texts(subnet(dhcp4(plan), "198.18.0.0/24").path("pools"), "client-class")).containsExactly("HA_kea-a", "HA_kea-b");
        assertThat(plan.unexpressed()).isEmpty();
    }

    @Test
    void plan_split256_isHotStandbyWithTheFirstKeaServerPrimary() {
        KeaMigrationPlan plan = plan(conf("", "", ""));
        JsonNode ha = dhcp4(plan).path("hooks-libraries").get(1).path("parameters").path("high-availability").get(0);

        assertThat(ha.path("mode").asText()).isEqualTo("hot-standby");
        assertThat(texts(ha.path("peers"), "name")).containsExactly("kea-a", "kea-b");
        assertThat(texts(ha.path("peers"), "role")).containsExactly("primary", "standby");
        assertThat(subnet(dhcp4(plan), "198.18.0.0/24").path("pools").get(0).has("client-class")).isFalse();
    }

    @Test
    void plan_split0_isHotStandbyWithTheSecondKeaServerPrimary() {
        KeaMigrationPlan plan = plan(conf("", "", "").replace("split 256;", "split 0;"));
        JsonNode ha = dhcp4(plan).path("hooks-libraries").get(1).path("parameters").path("high-availability").get(0);

        assertThat(ha.path("mode").asText()).isEqualTo("hot-standby");
        assertThat(texts(ha.path("peers"), "role")).containsExactly("standby", "primary");
    }

    @Test
    void plan_hbaAllOnes_isHotStandby() {
        String ones = String.join(":", java.util.Collections.nCopies(32, "ff"));
        KeaMigrationPlan plan = plan(conf("", "", "").replace("split 256;", "hba " + ones + ";"));

        assertThat(plan.mode()).isEqualTo(KeaHaConfig.Mode.HOT_STANDBY);
    }

    @Test
    void plan_failoverTimings_mapToHaDelaysAndUnackedClients() {
        JsonNode ha = dhcp4(plan(conf("", "", ""))).path("hooks-libraries").get(1).path("parameters").path("high-availability").get(0);

        assertThat(ha.path("max-response-delay").asInt()).isEqualTo(10_000);
        assertThat(ha.path("heartbeat-delay").asInt()).isEqualTo(3_333);
        assertThat(ha.path("max-ack-delay").asInt()).isEqualTo(3_000);
        assertThat(ha.path("max-unacked-clients").asInt()).isEqualTo(10);
    }

    @Test
    void plan_eachKeaServerNamesItselfAndLoadsHaAndLeaseCmds() {
        KeaMigrationPlan plan = plan(conf("", "", ""));

        for (String server : List.of("kea-a", "kea-b")) {
            JsonNode d = dhcp4(plan, server);
            assertThat(texts(d.path("hooks-libraries"), "library")).containsExactly(
                    Plans.HOOKS + "/libdhcp_lease_cmds.so", Plans.HOOKS + "/libdhcp_ha.so");
            assertThat(d.path("hooks-libraries").get(1).path("parameters").path("high-availability").get(0)
                    .path("this-server-name").asText()).isEqualTo(server);
        }
        assertThat(plan.dhcp4("kea-a").replace("this-server-name\" : \"kea-a", "this-server-name\" : \"kea-b"))
                .as("the two documents differ only in this-server-name").isEqualTo(plan.dhcp4("kea-b"));
    }

    @Test
    void plan_fromTheSecondarysConf_isRefusedNamingTheLine() {
        String text = conf("", "", "").replace("  primary;\n", "  secondary;\n");

        assertThatThrownBy(() -> plan(text)).isInstanceOf(UserError.class)
                .hasMessageContaining("line " + lineOf(text, "failover peer \"lab-fo\" {")).hasMessageContaining("primary's dhcpd.conf");
    }

    @Test
    void plan_unknownPeerName_isNotFound() {
        assertThatThrownBy(() -> DhcpdToKea.plan(conf("", "", ""), "nope", Plans.KEA_A, Plans.KEA_B, Plans.HOOKS))
                .isInstanceOf(UserError.class).hasMessageContaining("\"nope\" was not found");
    }

    @Test
    void plan_sameNameForBothKeaServers_isRefused() {
        assertThatThrownBy(() -> DhcpdToKea.plan(conf("", "", ""), "lab-fo", Plans.KEA_A, Plans.KEA_A, Plans.HOOKS))
                .isInstanceOf(UserError.class).hasMessageContaining("two different names");
    }

    @Test
    void plan_twoHostBlocksOnOneLine_areBothReserved() {
        String text = conf("", "  host a { hardware ethernet 00:11:22:33:44:01; fixed-address 198.18.0.7; } host b { hardware ethernet 00:11:22:33:44:02; fixed-address 198.18.0.8; }\n", "");
        JsonNode res = subnet(dhcp4(plan(text)), "198.18.0.0/24").path("reservations");

        assertThat(texts(res, "hostname")).containsExactly("a", "b");
        assertThat(texts(res, "ip-address")).containsExactly("198.18.0.7", "198.18.0.8");
    }

    @Test
    void plan_bootValuesAndAuthoritative_becomeKeaKeysAtTheirLevel() {
        String text = conf("", "  next-server 198.18.0.9;\n  filename \"pxelinux.0\";\n  server-name \"boot.lab.example\";\n  not authoritative;\n", "");
        JsonNode d = dhcp4(plan(text));
        JsonNode s = subnet(d, "198.18.0.0/24");

        assertThat(d.path("authoritative").asBoolean()).isTrue();
        assertThat(s.path("authoritative").asBoolean(true)).isFalse();
        assertThat(s.path("next-server").asText()).isEqualTo("198.18.0.9");
        assertThat(s.path("boot-file-name").asText()).isEqualTo("pxelinux.0");
        assertThat(s.path("server-hostname").asText()).isEqualTo("boot.lab.example");
    }

    @Test
    void plan_noLeaseTimes_getDhcpdsDefaultsRatherThanKeas() {
        JsonNode d = dhcp4(plan(conf("", "", "")));

        assertThat(d.path("valid-lifetime").asLong()).isEqualTo(43_200);
        assertThat(d.path("max-valid-lifetime").asLong()).isEqualTo(86_400);
    }

    @Test
    void plan_subnetMaxBelowInheritedDefault_clampsValidLifetimeAsDhcpdDoes() {
        String text = conf("default-lease-time 3600;\n", "  max-lease-time 300;\n", "");
        JsonNode d = dhcp4(plan(text));
        JsonNode s = subnet(d, "198.18.0.0/24");

        assertThat(d.path("valid-lifetime").asLong()).isEqualTo(3600);
        assertThat(s.path("max-valid-lifetime").asLong()).isEqualTo(300);
        assertThat(s.path("valid-lifetime").asLong()).as("Kea refuses valid > max; dhcpd gives the max").isEqualTo(300);
    }

    @Test
    void plan_optionTextWithQuotes_isEscapedByJacksonAndReadsBackExactly() throws Exception {
        String text = conf("option root-path \"/srv/\\\"nfs\\\"\";\n", "", "");
        String json = plan(text).dhcp4("kea-a");

        assertThat(optionData(new ObjectMapper().readTree(json).path("Dhcp4"), "root-path")).isEqualTo("/srv/\"nfs\"");
    }
}
