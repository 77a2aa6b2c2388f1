package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.central.TestCentral;
import org.tandem.lab.DhcpdLab;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;
import org.tandem.testing.RpcSession;

/**
 * The seeds' ISC failover workflows end to end: JSON-RPC calls to an in-process Central wired to a
 * real dhcpd 4.4.3 pair (DhcpdLab: two network namespaces, two Tandem agents). The tests run in
 * order on one pair; each states what a user would see on the servers and in the API.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverDhcpdIT {

    private static final String REL = "fo-it";
    private static final Duration STATE_DEADLINE = Duration.ofSeconds(60);

    private static DhcpdLab lab;
    private static TestCentral central;
    private static RpcSession rpc;
    private static String primaryRef;
    private static String secondaryRef;
    private static String scopeRef;
    private static String emptyScopeRef;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        central = new TestCentral();
        rpc = RpcSession.administrator(central);
        primaryRef = addServer("dhcp-a", lab.primary());
        secondaryRef = addServer("dhcp-b", lab.secondary());
        scopeRef = scopeWithPool("198.19.200.0/24", "198.19.200.10", "198.19.200.99");
        String range = call("AddRange", "{\"range\":{\"name\":\"no-pool\",\"subnet\":\"198.19.201.0/24\"}}").path("ref").asText();
        emptyScopeRef = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + primaryRef + "\"}}")
                .path("ref").asText();
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    @Test
    @Order(1)
    void addRelationship_isc_isEmptyAndWritesNothing() throws Exception {
        String a = conf(lab.primary());
        String b = conf(lab.secondary());
        JsonNode r = call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"" + REL + "\",\"primaryServer\":\"dhcp-a\","
                + "\"secondaryServer\":\"dhcp-b\",\"failoverMode\":\"LoadBalance\",\"percentage\":50,\"mclt\":600,\"port\":647,"
                + "\"peerPort\":647,\"loadBalanceMaxSeconds\":3,\"maxResponseDelay\":15,\"maxUnackedUpdates\":10,"
                + "\"primaryAddress\":\"" + lab.primary().address() + "\",\"secondaryAddress\":\"" + lab.secondary().address() + "\"},"
                + "\"saveComment\":\"new pair\"}");
        assertThat(r.path("state").asText()).isEqualTo("Empty");
        assertThat(r.path("changes")).isEmpty();
        assertThat(conf(lab.primary())).isEqualTo(a);
        assertThat(conf(lab.secondary())).isEqualTo(b);
        JsonNode got = relationship(secondaryRef);
        assertThat(got.path("state").asText()).isEqualTo("Empty");
        assertThat(got.path("failoverServerType").asText()).isEqualTo("SecondaryServer");
        assertThat(got.path("peerStates")).hasSize(2);
    }

    @Test
    @Order(2)
    void addScope_withoutPool_isRefusedNamingTheScope() throws Exception {
        String a = conf(lab.primary());
        JsonNode error = callError("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\",\"dhcpScopeRefs\":[\"" + emptyScopeRef + "\"]}");
        assertThat(error.path("message").asText()).contains("no address pool").contains(emptyScopeRef);
        assertThat(conf(lab.primary())).isEqualTo(a);
    }

    @Test
    @Order(3)
    void addScope_dryRun_returnsBothDiffsAndChangesNothing() throws Exception {
        String a = conf(lab.primary());
        String b = conf(lab.secondary());
        JsonNode r = call("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\",\"dhcpScopeRefs\":[\"" + scopeRef + "\"],\"dryRun\":true}");
        assertThat(r.path("dryRun").asBoolean()).isTrue();
        assertThat(r.path("changes")).hasSize(2);
        assertThat(r.path("changes").get(0).path("server").asText()).isEqualTo("dhcp-b");
        assertThat(r.path("changes").get(0).path("diff").asText()).contains("+failover peer \"" + REL + "\"")
                .contains("+subnet 198.19.200.0 netmask 255.255.255.0");
        assertThat(conf(lab.primary())).isEqualTo(a);
        assertThat(conf(lab.secondary())).isEqualTo(b);
        assertThat(relationship(primaryRef).path("state").asText()).isEqualTo("Empty");
        assertThat(instances(scopeRef)).hasSize(1);
    }

    @Test
    @Order(4)
    void addScope_firstScope_writesPeerOnBothPoolsAndSecondaryInstanceAndPairReachesNormal() throws Exception {
        JsonNode r = call("AdsdDHCPScopesFromDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\",\"dhcpScopeRefs\":[\"" + scopeRef + "\"],\"saveComment\":\"go\"}");
        assertThat(r.path("state").asText()).isEqualTo("Normal");
        for (DhcpdLab.Server s : lab.servers()) {
            String text = conf(s);
            assertThat(text).contains("failover peer \"" + REL + "\" {").contains("subnet 198.19.200.0 netmask 255.255.255.0")
                    .containsPattern("pool \\{\\s*failover peer \"" + REL + "\";");
        }
        assertThat(conf(lab.primary())).contains("mclt 600;");
        lab.awaitNormal(lab.primary(), REL, STATE_DEADLINE);
        lab.awaitNormal(lab.secondary(), REL, STATE_DEADLINE);
        assertThat(relationship(primaryRef).path("state").asText()).isEqualTo("Normal");
        assertThat(instances(scopeRef)).hasSize(2);
        JsonNode scope = call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScope");
        assertThat(scope.path("authority").asText()).isEqualTo("Failover");
        assertThat(scope.path("failoverRelationship").asText()).isEqualTo(REL);
        JsonNode pool = call("GetDHCPAddressPools", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpAddressPools").get(0);
        assertThat(pool.path("failover").path("primaryServer").asText()).isEqualTo("dhcp-a");
        assertThat(pool.path("failover").path("secondaryServer").asText()).isEqualTo("dhcp-b");
        String history = call("GetChangeHistory", "{}").toString();
        assertThat(history).contains(FailoverModule.CONFIG_OBJ_TYPE).contains("+failover peer");
    }

    @Test
    @Order(5)
    void modify_rewritesDeclarationOnBothServersAndPairIsNormalAgain() throws Exception {
        call("ModifyDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"" + REL + "\",\"mclt\":900,"
                + "\"maxResponseDelay\":20}}");
        assertThat(conf(lab.primary())).contains("mclt 900;").contains("max-response-delay 20;");
        assertThat(conf(lab.secondary())).contains("max-response-delay 20;").doesNotContain("mclt");
        lab.awaitNormal(lab.primary(), REL, STATE_DEADLINE);
        lab.awaitNormal(lab.secondary(), REL, STATE_DEADLINE);
        assertThat(relationship(primaryRef).path("mclt").asInt()).isEqualTo(900);
    }

    @Test
    @Order(6)
    void removeScope_disable_clearsStatementsDisablesSecondaryAndRelationshipIsEmpty() throws Exception {
        JsonNode r = removeScope("Disable");
        assertThat(r.path("state").asText()).isEqualTo("Empty");
        assertThat(conf(lab.primary())).doesNotContain("failover peer").contains("subnet 198.19.200.0 netmask 255.255.255.0");
        assertThat(conf(lab.secondary())).doesNotContain("failover peer \"" + REL + "\" {")
                .contains("# tandem:disabled-subnet 198.19.200.0/24");
        JsonNode secondary = instances(scopeRef).stream().filter(s -> s.path("dhcpServerRef").asText().equals(secondaryRef)).findFirst().orElseThrow();
        assertThat(secondary.path("enabled").asBoolean()).isFalse();
        assertThat(call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScope").path("authority").asText()).isEqualTo("Server");
    }

    @Test
    @Order(7)
    void removeScope_none_keepsSecondaryInstanceWithoutFailover() throws Exception {
        addScope();
        assertThat(conf(lab.secondary())).doesNotContain("tandem:disabled-subnet").contains("failover peer \"" + REL + "\";");
        removeScope("None");
        assertThat(conf(lab.secondary())).contains("subnet 198.19.200.0 netmask 255.255.255.0").doesNotContain("failover peer");
        assertThat(instances(scopeRef)).hasSize(2);
    }

    @Test
    @Order(8)
    void removeScope_delete_removesSecondaryInstanceFromServerAndStore() throws Exception {
        addScope();
        removeScope("Delete");
        assertThat(conf(lab.secondary())).doesNotContain("198.19.200.0").doesNotContain("failover peer");
        assertThat(instances(scopeRef)).hasSize(1);
    }

    @Test
    @Order(9)
    void addScope_secondaryValidationFails_nothingChangesAndErrorNamesSecondary() throws Exception {
        // An operator's include file on the secondary already serves addresses of the new scope; Tandem's
        // model does not see inside includes, dhcpd -t does.
        Path include = lab.secondary().dir().resolve("extra.conf");
        Files.writeString(include, "subnet 198.19.202.0 netmask 255.255.255.0 {\n  range 198.19.202.10 198.19.202.20;\n}\n");
        String original = conf(lab.secondary());
        Files.writeString(lab.secondary().conf(), original + "include \"" + include + "\";\n");
        try {
            String scope = scopeWithPool("198.19.202.0/24", "198.19.202.10", "198.19.202.20");
            String a = conf(lab.primary());
            String b = conf(lab.secondary());
            JsonNode error = callError("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                    + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\",\"dhcpScopeRefs\":[\"" + scope + "\"]}");
            assertThat(error.path("message").asText()).contains("\"dhcp-b\"").contains("declared twice");
            assertThat(conf(lab.primary())).isEqualTo(a);
            assertThat(conf(lab.secondary())).isEqualTo(b);
            assertThat(relationship(primaryRef).path("state").asText()).isEqualTo("Empty");
            assertThat(instances(scope)).hasSize(1);
        } finally {
            Files.writeString(lab.secondary().conf(), original);
            Files.deleteIfExists(include);
        }
    }

    @Test
    @Order(10)
    void addScope_secondaryUnreachable_nothingChangesAndErrorNamesSecondary() throws Exception {
        JsonNode down = call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"dhcp-down\",\"type\":\"ISC\",\"address\":\"127.0.0.1\","
                + "\"port\":" + closedPort() + ",\"agentToken\":\"" + "x".repeat(24) + "\"}}");
        call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"fo-down\",\"primaryServer\":\"dhcp-a\","
                + "\"secondaryServer\":\"dhcp-down\",\"primaryAddress\":\"" + lab.primary().address() + "\",\"secondaryAddress\":\"198.18.255.254\"}}");
        String scope = scopeWithPool("198.19.203.0/24", "198.19.203.10", "198.19.203.20");
        String a = conf(lab.primary());
        JsonNode error = callError("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + down.path("ref").asText()
                + "\",\"dhcpFailoverRelationshipName\":\"fo-down\",\"dhcpScopeRefs\":[\"" + scope + "\"]}");
        assertThat(error.path("message").asText()).contains("cannot be reached");
        assertThat(conf(lab.primary())).isEqualTo(a);
        call("RemoveDHCPFailoverRelationships", "{\"dhcpRefAndFailoverRelationshipNames\":[{\"dhcpFailoverRelationshipName\":\"fo-down\"}]}");
    }

    @Test
    @Order(11)
    void removeRelationship_deconfiguresScopesFirstThenIsGone() throws Exception {
        addScope();
        lab.awaitNormal(lab.primary(), REL, STATE_DEADLINE);
        String b = conf(lab.secondary());
        JsonNode dry = call("RemoveDHCPFailoverRelationships", "{\"dhcpRefAndFailoverRelationshipNames\":[{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\"}],\"dhcpFailoverRelationshipDeconfigureAction\":\"Delete\",\"dryRun\":true}");
        assertThat(dry.path("results").get(0).path("changes")).hasSize(2);
        assertThat(conf(lab.secondary())).isEqualTo(b);
        call("RemoveDHCPFailoverRelationships", "{\"dhcpRefAndFailoverRelationshipNames\":[{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\"}],\"dhcpFailoverRelationshipDeconfigureAction\":\"Delete\"}");
        for (DhcpdLab.Server s : lab.servers()) {
            assertThat(conf(s)).doesNotContain("failover peer");
        }
        assertThat(conf(lab.secondary())).doesNotContain("198.19.200.0");
        assertThat(call("GetDHCPFailoverRelationships", "{}").path("dhcpFailoverRelationships")).isEmpty();
        assertThat(instances(scopeRef)).hasSize(1);
    }

    // ------------------------------------------------------------------ helpers

    private static void addScope() {
        JsonNode r = call("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\",\"dhcpScopeRefs\":[\"" + scopeRef + "\"]}");
        assertThat(r.path("state").asText()).isEqualTo("Normal");
    }

    private static JsonNode removeScope(String action) {
        return call("RemoveDHCPScopesFromDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\",\"dhcpScopeRefs\":[\"" + scopeRef + "\"],"
                + "\"dhcpFailoverRelationshipDeconfigureAction\":\"" + action + "\"}");
    }

    private static String addServer(String name, DhcpdLab.Server s) {
        return call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + name + "\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                + s.agentUri().getPort() + ",\"agentToken\":\"" + s.agentToken() + "\"}}").path("ref").asText();
    }

    private static String scopeWithPool(String subnet, String from, String to) {
        String range = call("AddRange", "{\"range\":{\"name\":\"r-" + subnet.replace('/', '-') + "\",\"subnet\":\"" + subnet + "\"}}")
                .path("ref").asText();
        String scope = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + primaryRef + "\"}}")
                .path("ref").asText();
        call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scope + "\",\"dhcpAddressPool\":{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}}");
        return scope;
    }

    private static JsonNode relationship(String serverRef) {
        return call("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + serverRef + "\",\"dhcpFailoverRelationshipName\":\"" + REL + "\"}")
                .path("dhcpFailoverRelationship");
    }

    private static java.util.List<JsonNode> instances(String scope) {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        call("GetDHCPScopeInstances", "{\"dhcpScopeRef\":\"" + scope + "\"}").path("dhcpScopes").forEach(out::add);
        return out;
    }

    private static String conf(DhcpdLab.Server s) throws Exception {
        return Files.readString(s.conf());
    }


    private static int closedPort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static JsonNode call(String method, String params) {
        return rpc.call(method, params);
    }

    private static JsonNode callError(String method, String params) {
        return rpc.error(method, params);
    }
}
