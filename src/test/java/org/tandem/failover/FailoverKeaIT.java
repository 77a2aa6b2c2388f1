package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.central.TestCentral;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.kea.ha.KeaHaStatus;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Range;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;
import org.tandem.testing.RpcSession;

/**
 * Kea HA relationships through the same JSON-RPC commands, on a real Kea 2.2 pair on loopback that
 * starts without HA: creating the relationship writes HA on both peers, adding a scope puts its
 * subnet on both with one id while the pair keeps serving, removing it takes HA off again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverKeaIT {

    private static final String REL = "kea-ha";
    private static final Duration STATE_DEADLINE = Duration.ofSeconds(60);

    private static KeaLab lab;
    private static TestCentral central;
    private static RpcSession rpc;
    private static String primaryRef;
    private static String scopeRef;
    private static KeaClient a;
    private static KeaClient b;
    private static final KeaHaActions ha = new KeaHaActions(Clock.systemUTC());

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE));
        central = new TestCentral();
        rpc = RpcSession.administrator(central);
        primaryRef = addServer("kea-1", lab.node(0));
        addServer("kea-2", lab.node(1));
        a = new KeaClient("kea-1", KeaEndpoint.ControlAgent.of(lab.node(0).agentUrl()));
        b = new KeaClient("kea-2", KeaEndpoint.ControlAgent.of(lab.node(1).agentUrl()));
        String range = call("AddRange", "{\"range\":{\"name\":\"kea-scope\",\"subnet\":\"198.19.230.0/24\"}}").path("ref").asText();
        scopeRef = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + primaryRef + "\"}}")
                .path("ref").asText();
        call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dhcpAddressPool\":{\"from\":\"198.19.230.10\",\"to\":\"198.19.230.99\"}}");
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    @Test
    @Order(1)
    void addRelationship_dryRun_changesNeitherServerNorStore() {
        String ha = config(a).hash();
        String hb = config(b).hash();
        JsonNode r = call("AddDHCPFailoverRelationship", spec() + ",\"dryRun\":true}");
        assertThat(r.path("dryRun").asBoolean()).isTrue();
        assertThat(r.path("changes").toString()).contains("libdhcp_ha.so");
        assertThat(config(a).hash()).isEqualTo(ha);
        assertThat(config(b).hash()).isEqualTo(hb);
        assertThat(call("GetDHCPFailoverRelationships", "{}").path("dhcpFailoverRelationships")).isEmpty();
    }

    @Test
    @Order(2)
    void addRelationship_kea_writesHaOnBothPeersWhichReachLoadBalancing() throws Exception {
        JsonNode r = call("AddDHCPFailoverRelationship", spec() + "}");
        assertThat(r.path("state").asText()).isEqualTo("Normal");
        assertThat(config(a).ha()).isPresent();
        assertThat(config(b).ha()).isPresent();
        awaitState(a, "load-balancing");
        awaitState(b, "load-balancing");
    }

    @Test
    @Order(3)
    void addScope_subnetOfThePrimary_isAlreadyInTheHaRelationshipOnBothPeersWithOneId() throws Exception {
        // HA is server-level: creating the relationship put the primary's subnet on the secondary, pools split.
        JsonNode error = callError("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\",\"dhcpScopeRefs\":[\"" + scopeRef + "\"]}");
        assertThat(error.path("message").asText()).contains("already in failover relationship \"" + REL + "\"");
        Ipv4Range prefix = Ipv4Range.parseCidr("subnet", "198.19.230.0/24");
        Optional<KeaSubnet> onA = config(a).subnets().stream().filter(s -> s.subnet().equals(prefix)).findFirst();
        Optional<KeaSubnet> onB = config(b).subnets().stream().filter(s -> s.subnet().equals(prefix)).findFirst();
        assertThat(onA).isPresent();
        assertThat(onB).isPresent();
        assertThat(onB.get().id()).isEqualTo(onA.get().id());
        assertThat(onB.get().pools()).isEqualTo(onA.get().pools());
        assertThat(onA.get().pools()).extracting(p -> p.clientClass()).containsExactly("HA_kea-1", "HA_kea-2");
        awaitState(a, "load-balancing");
        awaitState(b, "load-balancing");
        assertThat(call("GetDHCPScopeInstances", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScopes")).hasSize(2);
        JsonNode r = call("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\"}").path("dhcpFailoverRelationship");
        assertThat(r.path("dhcpScopeRefs").toString()).contains(scopeRef);
    }

    @Test
    @Order(4)
    void removeScope_keaDisable_isRefusedBecauseHaIsServerLevel() {
        JsonNode error = callError("RemoveDHCPScopesFromDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\",\"dhcpScopeRefs\":[\"" + scopeRef + "\"],"
                + "\"dhcpFailoverRelationshipDeconfigureAction\":\"Disable\"}");
        assertThat(error.path("message").asText()).contains("server-level");
    }

    @Test
    @Order(5)
    void removeRelationship_keaDelete_takesHaOffBothAndDeletesSecondaryCopies() throws Exception {
        call("RemoveDHCPFailoverRelationships", "{\"dhcpRefAndFailoverRelationshipNames\":[{\"dhcpFailoverRelationshipName\":\"" + REL
                + "\"}],\"dhcpFailoverRelationshipDeconfigureAction\":\"Delete\"}");
        assertThat(config(a).ha()).isEmpty();
        assertThat(config(b).ha()).isEmpty();
        Ipv4Range prefix = Ipv4Range.parseCidr("subnet", "198.19.230.0/24");
        assertThat(config(a).subnetWithPrefix(prefix)).isPresent();
        assertThat(config(b).subnetWithPrefix(prefix)).isEmpty();
        assertThat(call("GetDHCPScopeInstances", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScopes")).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private static String spec() {
        return "{\"dhcpFailoverRelationship\":{\"name\":\"" + REL + "\",\"primaryServer\":\"kea-1\",\"secondaryServer\":\"kea-2\","
                + "\"failoverMode\":\"LoadBalance\",\"heartbeatDelay\":1000,\"maxResponseDelay\":3000,\"maxAckDelay\":1000,"
                + "\"maxUnackedClients\":0}";
    }

    private static KeaConfig config(KeaClient c) {
        KeaClient.Streamed<KeaConfig> s = c.call("config-get", null, p -> KeaConfig.fromKea(p, Instant.now()));
        s.envelope().requireSuccess(false);
        return s.value();
    }

    private static void awaitState(KeaClient c, String state) {
        KeaHaStatus last = ha.await(c, state, s -> s.localState().equals(state), STATE_DEADLINE, Duration.ofMillis(250));
        assertThat(last.localState()).isEqualTo(state);
    }

    private static String addServer(String name, KeaLab.Node n) {
        return call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + name + "\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":"
                + n.agentUrl().getPort() + "}}").path("ref").asText();
    }

    private static JsonNode call(String method, String params) {
        return rpc.call(method, params);
    }

    private static JsonNode callError(String method, String params) {
        return rpc.error(method, params);
    }
}
