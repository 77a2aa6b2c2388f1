package org.tandem.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.net.Ipv4Range;

/** The planned Kea document merged into a Kea server's running one, gated, then opened; and the accept-each gate. */
class MigrationMergeTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String GATE = KeaMigration.GATE_CLASS;

    /** A Kea server that already serves 10.9.0.0/24 with its own globals and an HA block of the lab's. */
    private static final String RUNNING = """
            {"Dhcp4": {"valid-lifetime": 3600, "option-data": [{"name": "domain-name", "data": "kea.example"}],
              "interfaces-config": {"interfaces": ["eth1"]},
              "control-socket": {"socket-type": "unix", "socket-name": "/run/kea/a.sock"},
              "subnet4": [{"id": 7, "subnet": "10.9.0.0/24", "pools": [{"pool": "10.9.0.10 - 10.9.0.20"}]}]}}
            """;

    private static KeaConfigDocument doc(String json) {
        return KeaConfig.fromJson(json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH).edit();
    }

    private static JsonNode dhcp4(KeaConfigDocument d) throws Exception {
        return MAPPER.readTree(d.toPrettyString()).get("Dhcp4");
    }

    private static KeaConfigDocument planned(String globals) {
        return doc(Plans.plan(Plans.conf(globals, "  option routers 198.18.0.254;\n", "")).dhcp4("kea-a"));
    }

    private static JsonNode subnet(JsonNode dhcp4, String prefix) {
        for (JsonNode s : dhcp4.path("subnet4")) {
            if (s.path("subnet").asText().equals(prefix)) {
                return s;
            }
        }
        throw new AssertionError("no subnet " + prefix + " in " + dhcp4);
    }

    private static List<String> optionNames(JsonNode level) {
        List<String> out = new ArrayList<>();
        level.path("option-data").forEach(o -> out.add(o.path("name").asText() + "=" + o.path("data").asText()));
        return out;
    }

    @Test
    void merge_keepsTheServersGlobalsAndSubnets_andMovesDhcpdGlobalsDownToTheNewSubnet() throws Exception {
        KeaConfigDocument live = doc(RUNNING);
        live.mergeMigrated(planned("option domain-name \"dhcpd.example\";\ndefault-lease-time 600;\n"), GATE);
        JsonNode d = dhcp4(live);

        assertThat(d.path("valid-lifetime").asLong()).isEqualTo(3600);
        assertThat(optionNames(d)).containsExactly("domain-name=kea.example");
        assertThat(d.path("interfaces-config").path("interfaces").get(0).asText()).isEqualTo("eth1");
        assertThat(subnet(d, "10.9.0.0/24").has("client-class")).isFalse();
        JsonNode migrated = subnet(d, "198.18.0.0/24");
        assertThat(migrated.path("valid-lifetime").asLong()).isEqualTo(600);
        assertThat(optionNames(migrated)).containsExactlyInAnyOrder("routers=198.18.0.254", "domain-name=dhcpd.example");
        assertThat(migrated.path("authoritative").asBoolean()).isTrue();
        assertThat(live.ha()).hasValueSatisfying(h -> assertThat(h.thisServerName()).isEqualTo("kea-a"));
    }

    @Test
    void merge_subnetsOptionOverridesTheMovedDownGlobal() throws Exception {
        KeaConfigDocument live = doc(RUNNING);
        live.mergeMigrated(doc(Plans.plan(Plans.conf("option routers 198.18.0.1;\n", "  option routers 198.18.0.254;\n", ""))
                .dhcp4("kea-a")), GATE);

        assertThat(optionNames(subnet(dhcp4(live), "198.18.0.0/24"))).containsExactly("routers=198.18.0.254");
    }

    @Test
    void merge_gatesOnlyTheNewSubnets_andOpeningRemovesGateAndClass() throws Exception {
        KeaConfigDocument live = doc(RUNNING);
        live.mergeMigrated(planned(""), GATE);

        assertThat(live.gatedSubnets(GATE)).containsExactly(Ipv4Range.parseCidr("s", "198.18.0.0/24"));
        assertThat(live.clientClasses()).containsExactly(GATE);
        assertThat(dhcp4(live).path("client-classes").get(0).path("test").asText()).isEqualTo("'tandem' == 'migrating'");

        live.openMigrationGate(GATE);
        assertThat(live.gatedSubnets(GATE)).isEmpty();
        assertThat(live.clientClasses()).isEmpty();
        assertThat(dhcp4(live).has("client-classes")).isFalse();
        assertThat(subnet(dhcp4(live), "198.18.0.0/24").has("client-class")).isFalse();
    }

    @Test
    void merge_refusesASubnetOverlappingOneOnTheServer_andChangesNothing() {
        KeaConfigDocument live = doc(RUNNING.replace("10.9.0.0/24", "198.18.0.0/25").replace("10.9.0.10 - 10.9.0.20", "198.18.0.10 - 198.18.0.20"));
        String before = live.toPrettyString();

        assertThatThrownBy(() -> live.mergeMigrated(planned(""), GATE)).isInstanceOf(UserError.class)
                .hasMessageContaining("198.18.0.0/24").hasMessageContaining("overlaps").hasMessageContaining("198.18.0.0/25");
        assertThat(live.toPrettyString()).isEqualTo(before);
    }

    @Test
    void merge_refusesATakenSubnetId() {
        long id = (198L << 24) | (18L << 16);
        KeaConfigDocument live = doc(RUNNING.replace("\"id\": 7", "\"id\": " + id));

        assertThatThrownBy(() -> live.mergeMigrated(planned(""), GATE)).isInstanceOf(UserError.class)
                .hasMessageContaining("subnet id " + id).hasMessageContaining("10.9.0.0/24");
    }

    @Test
    void accepted_everyUnexpressedLineMustBeNamed() {
        List<Unexpressed> items = List.of(new Unexpressed(3, "on commit {", "an event hook"), new Unexpressed(9, "class \"x\" {", "classes"));

        assertThatThrownBy(() -> KeaMigration.checkAccepted(items, Set.of(3))).isInstanceOf(UserError.class)
                .hasMessageContaining("acceptUnexpressedLines").hasMessageContaining("line 9").hasMessageNotContaining("line 3:");
        assertThatThrownBy(() -> KeaMigration.checkAccepted(items, Set.of(3, 9, 12))).isInstanceOf(UserError.class)
                .hasMessageContaining("[12]");
        KeaMigration.checkAccepted(items, Set.of(3, 9));
        KeaMigration.checkAccepted(List.of(), Set.of());
    }

    @Test
    void assignPoolAddresses_cutsLeasedAddressesIntoTheirOwnersHalf_andKeepsTheRest() throws Exception {
        KeaConfigDocument d = doc("""
                {"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "pools": [
                  {"pool": "10.0.0.10 - 10.0.0.19", "client-class": "HA_a", "option-data": [{"name": "domain-name", "data": "x"}]},
                  {"pool": "10.0.0.20 - 10.0.0.29", "client-class": "HA_b"},
                  {"pool": "10.0.0.40 - 10.0.0.49"}]}]}}
                """);
        d.assignPoolAddresses(java.util.Map.of(
                org.tandem.net.Ipv4Address.parse("a", "10.0.0.12"), "HA_b",
                org.tandem.net.Ipv4Address.parse("a", "10.0.0.13"), "HA_b",
                org.tandem.net.Ipv4Address.parse("a", "10.0.0.15"), "HA_a",
                org.tandem.net.Ipv4Address.parse("a", "10.0.0.20"), "HA_a",
                org.tandem.net.Ipv4Address.parse("a", "10.0.0.45"), "HA_a"));
        List<String> pools = new ArrayList<>();
        dhcp4(d).path("subnet4").get(0).path("pools").forEach(p -> pools.add(p.path("pool").asText() + " " + p.path("client-class").asText()
                + (p.has("option-data") ? " +options" : "")));

        assertThat(pools).containsExactly(
                "10.0.0.10 - 10.0.0.11 HA_a +options", "10.0.0.12 - 10.0.0.13 HA_b +options", "10.0.0.14 - 10.0.0.19 HA_a +options",
                "10.0.0.20 - 10.0.0.20 HA_a", "10.0.0.21 - 10.0.0.29 HA_b",
                "10.0.0.40 - 10.0.0.49 ");
    }

    @Test
    void assignPoolAddresses_atThePoolsEdges_leavesNoEmptyPool() throws Exception {
        KeaConfigDocument d = doc("""
                {"Dhcp4": {"subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "pools": [
                  {"pool": "10.0.0.10 - 10.0.0.12", "client-class": "HA_a"}]}]}}
                """);
        d.assignPoolAddresses(java.util.Map.of(org.tandem.net.Ipv4Address.parse("a", "10.0.0.10"), "HA_b",
                org.tandem.net.Ipv4Address.parse("a", "10.0.0.12"), "HA_b"));
        List<String> pools = new ArrayList<>();
        dhcp4(d).path("subnet4").get(0).path("pools").forEach(p -> pools.add(p.path("pool").asText() + " " + p.path("client-class").asText()));

        assertThat(pools).containsExactly("10.0.0.10 - 10.0.0.10 HA_b", "10.0.0.11 - 10.0.0.11 HA_a", "10.0.0.12 - 10.0.0.12 HA_b");
    }

    @Test
    void merge_again_afterAnInterruptedRun_leavesTheMergedSubnetsAsTheyAreNow() throws Exception {
        KeaConfigDocument live = doc(RUNNING);
        live.mergeMigrated(planned(""), GATE);
        live.openMigrationGate(GATE); // the interrupted run had opened this server's gate
        String opened = live.toPrettyString();

        live.mergeMigrated(planned(""), GATE);

        assertThat(live.toPrettyString()).isEqualTo(opened);
    }
}
