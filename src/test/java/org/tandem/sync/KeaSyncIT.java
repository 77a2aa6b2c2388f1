package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.failover.FailoverRelationship;
import org.tandem.lab.KeaLab;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.servers.DhcpServer;
import org.tandem.store.ListQuery;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * A real Kea 2.2 load-balancing pair on loopback (KeaLab) registered in a Central: import with HA relationship
 * detection, a config file edited by hand and made live with {@code config-reload} (seed 004), live HA states,
 * and a peer killed and brought back. Ordered: each step builds on the last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeaSyncIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeaLab lab;
    private static SyncFixture fx;
    private static DhcpServer one;
    private static DhcpServer two;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING));
        fx = new SyncFixture();
        one = fx.addKea("kea-one", lab.node(0).agentUrl());
        two = fx.addKea("kea-two", lab.node(1).agentUrl());
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(fx, lab);
    }

    @Test
    @Order(1)
    void register_haPair_importsSubnetsAndDetectsOneRelationship() throws Exception {
        FailoverRelationship r = SyncFixture.await("HA relationship with its scope", DEADLINE, () ->
                fx.central.failoverRelationships().list(null).stream().filter(x -> !x.scopeIds().isEmpty()).findFirst().orElse(null));
        // HA is server-level: the relationship lists the primary's instance of every subnet, once.
        assertThat(r.scopeIds()).containsExactly(scopeOf(one, "192.0.2.0").orElseThrow().id());
        assertThat(r.primaryServerId()).isEqualTo(one.id());
        assertThat(r.secondaryServerId()).isEqualTo(two.id());
        assertThat(r.failoverMode()).isEqualTo(FailoverRelationship.Mode.LoadBalance);
        assertThat(r.state()).isEqualTo(FailoverRelationship.State.Normal);
        assertThat(r.heartbeatDelay()).isEqualTo(1000);
        for (DhcpServer s : List.of(one, two)) {
            DhcpScope scope = scopeOf(s, "192.0.2.0").orElseThrow();
            assertThat(pools(scope)).containsExactly("192.0.2.10-192.0.2.99", "192.0.2.100-192.0.2.189");
        }
        fx.rpc.call("SyncDHCPServer", fx.rpc.params().put("dhcpServerRef", one.ref()));
        assertThat(fx.central.failoverRelationships().list(null)).hasSize(1);
    }

    @Test
    @Order(2)
    void fileEditedByHand_configReloadAction_bringsNewSubnetIntoStore() throws Exception {
        Path file = lab.node(0).configFile();
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        ArrayNode subnets = (ArrayNode) root.path("Dhcp4").path("subnet4");
        ObjectNode added = subnets.addObject().put("id", 7).put("subnet", "192.0.3.0/24");
        added.putArray("pools").addObject().put("pool", "192.0.3.10 - 192.0.3.20");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        // Before the reload Kea still runs its in-memory config: a plain sync sees nothing new.
        fx.rpc.call("SyncDHCPServer", fx.rpc.params().put("dhcpServerRef", one.ref()));
        assertThat(scopeOf(one, "192.0.3.0")).isEmpty();
        var outcome = fx.rpc.call("ReloadDHCPServerConfiguration", fx.rpc.params().put("dhcpServerRef", one.ref()));
        assertThat(outcome.path("created").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(pools(scopeOf(one, "192.0.3.0").orElseThrow())).containsExactly("192.0.3.10-192.0.3.20");
        assertThat(scopeOf(two, "192.0.3.0")).isEmpty();
    }

    @Test
    @Order(3)
    void reloadAction_unknownServer_isRefusedNamingTheRef() {
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(org.tandem.cli.TandemClient.RpcError.class,
                () -> fx.rpc.call("ReloadDHCPServerConfiguration", fx.rpc.params().put("dhcpServerRef", "no-such-server")));
        assertThat(error.getMessage()).contains("no-such-server");
    }

    @Test
    @Order(4)
    void peerKilled_showsPartnerDownThenRecoversWhenItReturns() throws Exception {
        String name = fx.central.failoverRelationships().list(null).get(0).name();
        for (DhcpServer s : List.of(one, two)) {
            SyncFixture.await(s.name() + " load-balancing", DEADLINE, () -> fx.central.liveStates().get(s.id(), name)
                    .filter(x -> "load-balancing".equals(x.localState())).orElse(null));
        }
        lab.node(1).killDhcp();
        try {
            SyncFixture.await("kea-one in partner-down", DEADLINE, () -> fx.central.liveStates().get(one.id(), name)
                    .filter(x -> "partner-down".equals(x.localState())).orElse(null));
        } finally {
            lab.node(1).startDhcp();
        }
        for (DhcpServer s : List.of(one, two)) {
            SyncFixture.await(s.name() + " back to load-balancing", Duration.ofSeconds(90), () -> fx.central.liveStates().get(s.id(), name)
                    .filter(x -> "load-balancing".equals(x.localState()) && x.reachable()).orElse(null));
        }
    }

    @Test
    @Order(5)
    void register_serverNobodyAnswersFor_stateUnreachableAndSyncNamesTheCause() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        DhcpServer gone = fx.addKea("kea-gone", java.net.URI.create("http://127.0.0.1:" + closed + "/"));
        SyncFixture.await("kea-gone Unreachable", DEADLINE, () -> "Unreachable".equals(fx.central.servers().get("s", gone.ref()).state()) ? true : null);
        var error = org.assertj.core.api.Assertions.catchThrowableOfType(org.tandem.cli.TandemClient.RpcError.class,
                () -> fx.rpc.call("SyncDHCPServer", fx.rpc.params().put("dhcpServerRef", "kea-gone")));
        assertThat(error.getMessage()).contains("127.0.0.1:" + closed);
        // The healthy pair's relationship is untouched by a broken third server.
        assertThat(fx.central.failoverRelationships().list(null)).hasSize(1);
    }

    @Test
    @Order(6)
    void modify_peersNamedOtherwiseThanInTandem_changesOnlyTheDelayAndKeepsTheServersNames() throws Exception {
        String name = fx.central.failoverRelationships().list(null).get(0).name();
        var refused = org.assertj.core.api.Assertions.catchThrowableOfType(org.tandem.cli.TandemClient.RpcError.class,
                () -> fx.rpc.call("ModifyDHCPFailoverRelationship", fx.rpc.params().set("dhcpFailoverRelationship",
                        fx.rpc.params().put("name", name).put("mclt", 600))));
        assertThat(refused.getMessage()).contains("mclt").contains("ISC dhcpd");
        fx.rpc.call("ModifyDHCPFailoverRelationship", fx.rpc.params().set("dhcpFailoverRelationship",
                fx.rpc.params().put("name", name).put("heartbeatDelay", 1500)));
        for (int i = 0; i < 2; i++) {
            JsonNode dhcp4 = JSON.readTree(lab.node(i).configFile().toFile()).path("Dhcp4");
            JsonNode ha = haBlock(dhcp4);
            assertThat(ha.path("this-server-name").asText()).isEqualTo(i == 0 ? "server1" : "server2");
            assertThat(ha.path("heartbeat-delay").asInt()).isEqualTo(1500);
            List<String> peers = new java.util.ArrayList<>();
            ha.path("peers").forEach(p -> peers.add(p.path("name").asText()));
            assertThat(peers).containsExactlyInAnyOrder("server1", "server2");
            assertThat(dhcp4.path("subnet4").get(0).path("pools").toString()).contains("HA_server1").contains("HA_server2");
        }
        FailoverRelationship r = fx.central.failoverRelationships().findByName(name).orElseThrow();
        assertThat(r.heartbeatDelay()).isEqualTo(1500);
    }

    @Test
    @Order(7)
    void haSettingEditedByHand_reloadTakesTheServersValue() throws Exception {
        String name = fx.central.failoverRelationships().list(null).get(0).name();
        for (int i = 0; i < 2; i++) {
            Path file = lab.node(i).configFile();
            ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
            ((ObjectNode) haBlock(root.path("Dhcp4"))).put("max-response-delay", 7000);
            Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        }
        for (DhcpServer s : List.of(one, two)) {
            fx.rpc.call("ReloadDHCPServerConfiguration", fx.rpc.params().put("dhcpServerRef", s.ref()));
        }
        assertThat(fx.central.failoverRelationships().findByName(name).orElseThrow().maxResponseDelay()).isEqualTo(7000);
    }

    @Test
    @Order(8)
    void subnetAddedByHandOnThePrimaryOnly_checkNamesIt_andReplicatePutsItOnTheSecondary() throws Exception {
        String name = fx.central.failoverRelationships().list(null).get(0).name();
        // Test 2 added 192.0.3.0/24 to the primary's file by hand and reloaded it: the secondary never got it.
        JsonNode drift = fx.rpc.call("CheckDHCPFailover", fx.rpc.params().put("dhcpFailoverRelationshipName", name)
                .put("dhcpServerRef", one.ref()));
        assertThat(drift.path("findings").toString()).contains("192.0.3.0/24").contains("is on \\\"kea-one\\\" only");
        fx.rpc.call("ReplicateDHCPFailover", fx.rpc.params().put("dhcpServerRef", one.ref()).put("saveComment", "repair"));
        JsonNode dhcp4 = JSON.readTree(lab.node(1).configFile().toFile()).path("Dhcp4");
        assertThat(dhcp4.path("subnet4").toString()).contains("192.0.3.0/24");
        JsonNode after = fx.rpc.call("CheckDHCPFailover", fx.rpc.params().put("dhcpFailoverRelationshipName", name)
                .put("dhcpServerRef", one.ref()));
        assertThat(after.path("findings")).as(after.toString()).isEmpty();
    }

    private static JsonNode haBlock(JsonNode dhcp4) {
        for (JsonNode lib : dhcp4.path("hooks-libraries")) {
            if (lib.path("library").asText().endsWith("libdhcp_ha.so")) {
                return lib.path("parameters").path("high-availability").get(0);
            }
        }
        throw new AssertionError("no HA hook in " + dhcp4);
    }

    private static Optional<DhcpScope> scopeOf(DhcpServer s, String first) {
        return fx.central.scopes().scopes(ListQuery.all()).items().stream()
                .filter(x -> x.serverId() == s.id() && x.addresses().first().toString().equals(first)).findFirst();
    }

    private static List<String> pools(DhcpScope scope) {
        return fx.central.scopes().blocks(AddressBlock.Kind.POOL, "scope", scope.ref(), ListQuery.all()).items().stream()
                .map(AddressBlock::name).toList();
    }
}
