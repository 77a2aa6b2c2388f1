package org.tandem.kea.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Range;

class KeaConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static KeaConfig config(String json) {
        return KeaConfig.fromJson(json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);
    }

    @Test
    void hash_isCanonical_keyOrderDoesNotMatterButValuesDo() {
        KeaConfig sorted = config("{\"Dhcp4\":{\"a\":1,\"b\":{\"x\":[1,2],\"y\":\"z\"}}}");
        KeaConfig unsorted = config("{\"Dhcp4\":{\"b\":{\"y\":\"z\",\"x\":[1,2]},\"a\":1}}");
        KeaConfig different = config("{\"Dhcp4\":{\"a\":2,\"b\":{\"x\":[1,2],\"y\":\"z\"}}}");
        assertThat(unsorted.hash()).isEqualTo(sorted.hash());
        assertThat(different.hash()).isNotEqualTo(sorted.hash());
    }

    @Test
    void hasConfigBackend_onlyWhenConfigControlIsAKey_notWhenAStringNamesIt() {
        KeaConfig backend = config("""
                {"Dhcp4":{"config-control":{"config-databases":[{"type":"mysql","name":"kea"}]},"subnet4":[]}}""");
        KeaConfig mentioned = config("""
                {"Dhcp4":{"user-context":{"note":"no \\"config-control\\": here"},"subnet4":[]}}""");

        assertThat(backend.hasConfigBackend()).isTrue();
        assertThat(mentioned.hasConfigBackend()).isFalse();
        assertThat(config("{\"Dhcp4\":{}}").hasConfigBackend()).isFalse();
    }

    @Test
    void index_findsTopLevelAndSharedNetworkSubnets_butNotOtherIds() {
        KeaConfig c = config("""
                {"Dhcp4":{"subnet4":[{"id":3,"subnet":"10.0.0.0/24","pools":[{"pool":"10.0.0.5 - 10.0.0.9"}],
                  "option-data":[{"code":3,"data":"10.0.0.1"}]}],
                  "shared-networks":[{"name":"frog","subnet4":[{"id":7,"subnet":"10.1.0.0/16","user-context":{"id":99}}]}],
                  "client-classes":[{"name":"id","test":"member('ALL')"}]}}""");
        assertThat(c.subnetIds()).containsExactly(3, 7);
        assertThat(c.overlapping(Ipv4Range.parseCidr("r", "10.1.2.0/24"))).extracting(KeaConfig.IndexedSubnet::id).containsExactly(7L);
        assertThat(c.subnets()).extracting(KeaSubnet::sharedNetwork).containsExactly(null, "frog");
    }

    @Test
    void fromJson_badSubnet_isRefusedNamingIt() {
        assertThatThrownBy(() -> config("{\"Dhcp4\":{\"subnet4\":[{\"id\":1,\"subnet\":\"10.0.0.1/24\"}]}}"))
                .hasMessageContaining("10.0.0.1/24");
        assertThatThrownBy(() -> config("{\"Dhcp6\":{}}")).hasMessageContaining("Dhcp4");
    }

    @Test
    void addSubnet_keepsEveryUnmodelledKey_andWritesExplicitId() throws Exception {
        String original = """
                {"Dhcp4":{"valid-lifetime":4000,"future-knob":{"deep":[1,{"x":true}]},
                  "subnet4":[{"id":1,"subnet":"192.0.2.0/24","relay":{"ip-addresses":["10.0.0.1"]},
                    "pools":[{"pool":"192.0.2.10 - 192.0.2.20","option-data":[{"name":"domain-name","data":"x.test"}]}]}]}}""";
        KeaConfigDocument doc = config(original).edit();
        doc.addSubnet(KeaSubnet.of(2, Ipv4Range.parseCidr("s", "198.51.100.0/24"), List.of()));
        JsonNode after = JSON.readTree(doc.toBytes());
        JsonNode before = JSON.readTree(original);
        assertThat(after.at("/Dhcp4/future-knob")).isEqualTo(before.at("/Dhcp4/future-knob"));
        assertThat(after.at("/Dhcp4/subnet4/0")).isEqualTo(before.at("/Dhcp4/subnet4/0"));
        assertThat(after.at("/Dhcp4/subnet4/1/id").asLong()).isEqualTo(2);
        // splitting the pools of subnet 1 keeps the pool's own option-data in both halves
        doc.splitPoolsForLoadBalancing("server1", "server2");
        JsonNode updated = JSON.readTree(doc.toBytes());
        assertThat(updated.at("/Dhcp4/subnet4/0/pools/1/option-data")).isEqualTo(before.at("/Dhcp4/subnet4/0/pools/0/option-data"));
        assertThat(updated.at("/Dhcp4/subnet4/0/pools/0/option-data")).isEqualTo(before.at("/Dhcp4/subnet4/0/pools/0/option-data"));
        assertThat(updated.at("/Dhcp4/subnet4/0/relay")).isEqualTo(before.at("/Dhcp4/subnet4/0/relay"));
    }

    @Test
    void addSubnet_sameAddress_usesTheSeedMessage_andIdClashIsRefused() {
        KeaConfigDocument doc = config("{\"Dhcp4\":{\"subnet4\":[{\"id\":1,\"subnet\":\"1.3.3.0/29\"}]}}").edit();
        assertThatThrownBy(() -> doc.addSubnet(KeaSubnet.of(2, Ipv4Range.parseCidr("s", "1.3.3.0/28"), List.of())))
                .isInstanceOf(UserError.class).hasMessage("A scope with address \"1.3.3.0\" already exists on the server");
        assertThatThrownBy(() -> doc.addSubnet(KeaSubnet.of(1, Ipv4Range.parseCidr("s", "10.0.0.0/24"), List.of())))
                .hasMessageContaining("Subnet id 1 is already used");
        assertThatThrownBy(() -> doc.addSubnet(KeaSubnet.of(0, Ipv4Range.parseCidr("s", "10.0.0.0/24"), List.of())))
                .hasMessageContaining("explicit id");
    }

    @Test
    void splitAndUnsplitPools_forLoadBalancing_roundTrip() {
        KeaConfigDocument doc = config("{\"Dhcp4\":{\"subnet4\":[{\"id\":1,\"subnet\":\"10.0.0.0/24\",\"pools\":[{\"pool\":\"10.0.0.10 - 10.0.0.109\"}]}]}}").edit();
        doc.splitPoolsForLoadBalancing("a", "b");
        assertThat(doc.subnets().get(0).pools()).extracting(p -> p.range() + "/" + p.clientClass())
                .containsExactly("10.0.0.10-10.0.0.59/HA_a", "10.0.0.60-10.0.0.109/HA_b");
        doc.unsplitPools();
        assertThat(doc.subnets().get(0).pools()).extracting(p -> p.range() + "/" + p.clientClass())
                .containsExactly("10.0.0.10-10.0.0.109/null");
    }

    @Test
    void names_thatCouldBreakOutOfAValue_areRefused() {
        assertThatThrownBy(() -> new KeaPool(Ipv4Range.parseCidr("p", "10.0.0.0/30"), "HA_x\",\"evil"))
                .hasMessageContaining("client-class");
    }

    @Test
    void disableSubnet_parksPoolsInUserContext_soNoAddressIsHandedOut() throws Exception {
        KeaConfigDocument doc = config("{\"Dhcp4\":{\"subnet4\":[{\"id\":1,\"subnet\":\"10.0.0.0/24\",\"pools\":[{\"pool\":\"10.0.0.10 - 10.0.0.20\"}]}]}}").edit();
        doc.disableSubnet(Ipv4Range.parseCidr("s", "10.0.0.0/24"));
        JsonNode after = JSON.readTree(doc.toBytes());
        assertThat(after.at("/Dhcp4/subnet4/0/pools")).isEmpty();
        assertThat(after.at("/Dhcp4/subnet4/0/user-context/" + KeaConfigDocument.DISABLED_POOLS_KEY + "/0/pool").asText()).isEqualTo("10.0.0.10 - 10.0.0.20");
    }

    @Test
    void modifyReservation_setsAndRemovesOnlyTheKeysAsked_andKeepsEveryOther() throws Exception {
        String original = """
                {"Dhcp4":{"subnet4":[{"id":1,"subnet":"192.0.2.0/24","reservations":[
                  {"hw-address":"00:11:22:33:44:55","ip-address":"192.0.2.5","hostname":"printer","server-hostname":"old.example",
                   "option-data":[{"name":"domain-name","data":"x.test"}],"client-classes":["voip"],"user-context":{"k":1}},
                  {"hw-address":"00:11:22:33:44:66","ip-address":"192.0.2.6"}]}]}}""";
        KeaConfigDocument doc = config(original).edit();
        java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
        values.put("boot-file-name", "pxelinux.0");
        values.put("next-server", "192.0.2.2");
        values.put("server-hostname", null);
        org.tandem.net.Ipv4Address five = org.tandem.net.Ipv4Address.parse("a", "192.0.2.5");
        boolean found = doc.modifyReservation(Ipv4Range.parseCidr("s", "192.0.2.0/24"),
                r -> r.matches(KeaReservation.Identifier.HW_ADDRESS, "00:11:22:33:44:55", five), null,
                org.tandem.net.Ipv4Address.parse("a", "192.0.2.7"), values);
        assertThat(found).isTrue();
        JsonNode before = JSON.readTree(original).at("/Dhcp4/subnet4/0/reservations");
        JsonNode after = JSON.readTree(doc.toBytes()).at("/Dhcp4/subnet4/0/reservations");
        com.fasterxml.jackson.databind.node.ObjectNode expected = (com.fasterxml.jackson.databind.node.ObjectNode) before.get(0).deepCopy();
        expected.put("ip-address", "192.0.2.7").put("boot-file-name", "pxelinux.0").put("next-server", "192.0.2.2").remove("server-hostname");
        assertThat(after.get(0)).isEqualTo(expected);
        assertThat(after.get(1)).isEqualTo(before.get(1));
        // Another reservation's address is refused, naming the clash.
        assertThatThrownBy(() -> doc.modifyReservation(Ipv4Range.parseCidr("s", "192.0.2.0/24"),
                r -> r.identifierHex().equals("00:11:22:33:44:55"), null, org.tandem.net.Ipv4Address.parse("a", "192.0.2.6"), java.util.Map.of()))
                .hasMessageContaining("192.0.2.6");
    }
}
