package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.cli.TandemClient;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.testing.KeaHandEdits;
import org.tandem.store.Database;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * Scope, pool and reservation writes on a real Kea 2.2 HA pair in load-balancing (KeaLab on loopback), found by
 * the first sync: every write reaches both peers in one change, subnets stay identical with identical ids, and
 * a sync after the writes finds nothing to change.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScopeWritesKeaIT {

    private static final String PASSWORD = "scope-writes-kea-password";
    private static final Ipv4Range PREFIX = Ipv4Range.parseCidr("subnet", "198.19.240.0/24");

    private static KeaLab lab;
    private static Central central;
    private static TandemClient rpc;
    private static KeaClient a;
    private static KeaClient b;
    private static String scopeRef;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("swk-" + UUID.randomUUID()),
                new CentralConfig(Duration.ofSeconds(900), Duration.ofHours(1), 1 << 20, Duration.ofSeconds(1)), Clock.systemUTC(),
                List.of(new SyncExtension()), PASSWORD));
        rpc = new TandemClient(URI.create("http://127.0.0.1:" + central.port()), null);
        rpc.login("administrator", PASSWORD);
        for (int i = 0; i < 2; i++) {
            KeaLab.Node n = lab.node(i);
            call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + n.name() + "\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":"
                    + n.agentUrl().getPort() + "}}");
        }
        a = new KeaClient(lab.node(0).name(), KeaEndpoint.ControlAgent.of(lab.node(0).agentUrl()));
        b = new KeaClient(lab.node(1).name(), KeaEndpoint.ControlAgent.of(lab.node(1).agentUrl()));
        for (KeaLab.Node n : lab.nodes()) {
            rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", n.name()));
        }
        assertThat(call("GetDHCPFailoverRelationships", "{}").path("dhcpFailoverRelationships")).as("HA pair found by the sync").hasSize(1);
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    @Test
    @Order(1)
    void addScope_onOnePeer_putsSubnetOnBothWithOneIdAndPoolSplitForLoadBalancing() {
        int before = call("GetDHCPScopes", "{}").path("totalResults").asInt();
        String range = call("AddRange", "{\"range\":{\"name\":\"kea-lan\",\"subnet\":\"" + PREFIX + "\"}}").path("ref").asText();
        JsonNode added = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + lab.node(0).name()
                + "\"},\"dhcpAddressPools\":[{\"from\":\"198.19.240.10\",\"to\":\"198.19.240.109\"}]}");
        scopeRef = added.path("ref").asText();
        assertThat(added.path("changes")).hasSize(2);
        KeaSubnet onA = subnet(a).orElseThrow();
        KeaSubnet onB = subnet(b).orElseThrow();
        assertThat(onA).isEqualTo(onB);
        assertThat(onA.pools()).hasSize(2).allSatisfy(p -> assertThat(p.clientClass()).startsWith("HA_"));
        assertThat(call("GetDHCPScopes", "{}").path("totalResults").asInt()).isEqualTo(before + 2);
        // In the pair's relationship at once, as its planned configs declare it (no sync needed).
        JsonNode scope = call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScope");
        assertThat(scope.path("authority").asText()).isEqualTo("Failover");
    }

    @Test
    @Order(2)
    void dryRun_poolAndReservation_changeNeitherPeerNorStore() {
        String ha = config(a).hash();
        String hb = config(b).hash();
        int pools = call("GetDHCPAddressPools", "{}").path("totalResults").asInt();
        JsonNode dry = call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dhcpAddressPool\":{\"from\":\"198.19.240.200\","
                + "\"to\":\"198.19.240.209\"},\"dryRun\":true}");
        assertThat(dry.path("dryRun").asBoolean()).isTrue();
        assertThat(dry.path("changes")).hasSize(2);
        assertThat(dry.path("changes").get(0).path("diff").asText()).contains("198.19.240.200");
        call("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":{\"name\":\"printer\",\"clientIdentifier\":"
                + "\"00:11:22:33:44:55\",\"addresses\":[\"198.19.240.5\"]},\"dryRun\":true}");
        assertThat(config(a).hash()).isEqualTo(ha);
        assertThat(config(b).hash()).isEqualTo(hb);
        assertThat(call("GetDHCPAddressPools", "{}").path("totalResults").asInt()).isEqualTo(pools);
    }

    @Test
    @Order(3)
    void poolsAndReservations_addAndRemove_reachBothPeers() {
        String pool = call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dhcpAddressPool\":{\"from\":\"198.19.240.200\","
                + "\"to\":\"198.19.240.209\"}}").path("ref").asText();
        assertThat(subnet(a).orElseThrow().pools()).hasSize(4);
        assertThat(subnet(a)).isEqualTo(subnet(b));
        String host = call("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":{\"name\":\"printer\",\"clientIdentifier\":"
                + "\"00:11:22:33:44:55\",\"addresses\":[\"198.19.240.5\"]}}").path("ref").asText();
        for (KeaClient c : List.of(a, b)) {
            assertThat(subnet(c).orElseThrow().reservations()).singleElement()
                    .satisfies(r -> assertThat(r.ipAddress()).isEqualTo(Ipv4Address.parse("ip", "198.19.240.5")));
        }
        call("RemoveDHCPReservation", "{\"dhcpReservationRef\":\"" + host + "\"}");
        call("RemoveDHCPAddressPool", "{\"dhcpAddressPoolRef\":\"" + pool + "\"}");
        for (KeaClient c : List.of(a, b)) {
            assertThat(subnet(c).orElseThrow().reservations()).isEmpty();
            assertThat(subnet(c).orElseThrow().pools()).hasSize(3);
        }
    }

    @Test
    @Order(4)
    void disableThenEnable_parksAndRestoresPoolsOnBothPeers() {
        KeaSubnet before = subnet(a).orElseThrow();
        call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":false}}");
        assertThat(subnet(a).orElseThrow().pools()).isEmpty();
        assertThat(subnet(b).orElseThrow().pools()).isEmpty();
        call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":true}}");
        assertThat(subnet(a)).contains(before);
        assertThat(subnet(b)).contains(before);
    }

    @Test
    @Order(5)
    void removeScope_inTheHaRelationship_dryRunTakesItOffBothPeersAndChangesNothing() {
        String ha = config(a).hash();
        JsonNode dry = call("RemoveDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dryRun\":true}");
        assertThat(dry.path("changes")).hasSize(2);
        dry.path("changes").forEach(c -> assertThat(c.path("diff").asText()).containsPattern("(?m)^-.*\"198\\.19\\.240\\.0/24\""));
        assertThat(config(a).hash()).isEqualTo(ha);
    }

    @Test
    @Order(6)
    void roundTrip_syncAfterTheWrites_findsNothingToChange() {
        for (KeaLab.Node n : lab.nodes()) {
            JsonNode outcome = rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", n.name()));
            assertThat(outcome.toString()).as(n.name()).contains("\"created\":0").contains("\"removed\":0");
        }
    }

    /**
     * Central plans on the configs it set last; an edit made outside Tandem since then on the server written second is
     * caught by the fresh read just before it is written: the change is refused, the server written first is rolled
     * back, and the outside edit stays.
     */
    @Test
    @Order(7)
    void serverEditedOutsideRightAfterAChange_nextWriteIsRefused_andNothingIsLost() {
        call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":false}}");
        // The primary is written second: its fresh read comes after the secondary was written.
        String primary = primaryServer();
        KeaClient edited = primary.equals(a.server()) ? a : b;
        KeaClient other = edited == a ? b : a;
        KeaHandEdits.setRenewTimer(edited, 311);
        String editedHash = config(edited).hash();
        String otherHash = config(other).hash();
        int pools = call("GetDHCPAddressPools", "{}").path("totalResults").asInt();

        assertThatThrownBy(() -> call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":true}}"))
                .hasMessageContaining("\"" + primary + "\" was changed outside Tandem")
                .hasMessageContaining("Rolled back \"" + other.server() + "\"");
        assertThat(config(edited).hash()).as("the outside edit stays").isEqualTo(editedHash);
        assertThat(config(other).hash()).as("the server written first is rolled back").isEqualTo(otherHash);
        assertThat(subnet(other).orElseThrow().pools()).isEmpty();
        assertThat(call("GetDHCPAddressPools", "{}").path("totalResults").asInt()).isEqualTo(pools);
        assertThat(call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScope").path("enabled").asBoolean()).isFalse();

        // After a sync Central knows the edit, and the same write goes through, keeping it.
        for (KeaLab.Node n : lab.nodes()) {
            rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", n.name()));
        }
        call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":true}}");
        assertThat(subnet(a).orElseThrow().pools()).isNotEmpty();
        assertThat(subnet(a)).isEqualTo(subnet(b));
        assertThat(config(edited).edit().toKeaArguments().path("Dhcp4").path("renew-timer").asInt()).isEqualTo(311);
    }

    /** Kea 2.2's HA is server-wide: AddDHCPScope naming the pair's relationship makes the scope on both, in it, in one change. */
    @Test
    @Order(8)
    void addScope_namingThePairsRelationship_isInItOnBothPeers_anUnknownOneChangesNothing() {
        String relationship = call("GetDHCPFailoverRelationships", "{}").path("dhcpFailoverRelationships").get(0).path("name").asText();
        Ipv4Range prefix = Ipv4Range.parseCidr("subnet", "198.19.241.0/24");
        String range = call("AddRange", "{\"range\":{\"name\":\"kea-lan-2\",\"subnet\":\"" + prefix + "\"}}").path("ref").asText();
        String params = "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + lab.node(0).name() + "\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"198.19.241.10\",\"to\":\"198.19.241.109\"}],\"dhcpFailoverRelationshipName\":";
        String ha = config(a).hash();
        int scopes = call("GetDHCPScopes", "{}").path("totalResults").asInt();
        assertThatThrownBy(() -> call("AddDHCPScope", params + "\"no-such-pair\"}")).hasMessageContaining("no-such-pair");
        assertThat(config(a).hash()).isEqualTo(ha);
        assertThat(call("GetDHCPScopes", "{}").path("totalResults").asInt()).isEqualTo(scopes);

        String ref = call("AddDHCPScope", params + "\"" + relationship + "\"}").path("ref").asText();
        assertThat(call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + ref + "\"}").path("dhcpScope").path("failoverRelationship").asText())
                .isEqualTo(relationship);
        for (KeaClient c : List.of(a, b)) {
            assertThat(config(c).subnets()).anySatisfy(s -> assertThat(s.subnet()).isEqualTo(prefix));
        }
    }

    /**
     * Day two: the server written first was edited by hand after Tandem's last write. Central planned on what it set,
     * finds the edit with the read it takes while the servers validate, before anything is written, and plans the same
     * change again on what the server runs: the change reaches both peers, the hand edit stays, and the answer says so.
     */
    @Test
    @Order(9)
    void serverWrittenFirstEditedByHand_nextWriteIsPlannedAgainOnIt_andTheEditStays() {
        call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":false}}");
        String primary = primaryServer();
        KeaClient first = primary.equals(a.server()) ? b : a;
        KeaHandEdits.setRenewTimer(first, 317);

        JsonNode answer = call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":true}}");

        assertThat(answer.path("notes")).hasSize(1);
        assertThat(answer.path("notes").get(0).asText()).contains("\"" + first.server() + "\" had been changed outside Tandem");
        assertThat(config(first).edit().toKeaArguments().path("Dhcp4").path("renew-timer").asInt()).as("the hand edit").isEqualTo(317);
        assertThat(subnet(a).orElseThrow().pools()).isNotEmpty();
        assertThat(subnet(a)).isEqualTo(subnet(b));
        JsonNode next = call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":false}}");
        assertThat(next.path("notes")).as("the write after it, planned on what Tandem set").isEmpty();
        assertThat(subnet(a).orElseThrow().pools()).isEmpty();
    }

    /** The name of the pair relationship's primary server, as Central reports it. */
    private static String primaryServer() {
        return call("GetDHCPFailoverRelationships", "{}").path("dhcpFailoverRelationships").get(0).path("primaryServer").asText();
    }

    private static Optional<KeaSubnet> subnet(KeaClient c) {
        return config(c).subnets().stream().filter(s -> s.subnet().equals(PREFIX)).findFirst();
    }

    private static KeaConfig config(KeaClient c) {
        KeaClient.Streamed<KeaConfig> s = c.call("config-get", null, p -> KeaConfig.fromKea(p, Instant.now()));
        s.envelope().requireSuccess(false);
        return s.value();
    }

    private static JsonNode call(String method, String params) {
        try {
            return rpc.call(method, (ObjectNode) TandemClient.json().readTree(params));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
