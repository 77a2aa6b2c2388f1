package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
import org.tandem.lab.DhcpdLab;
import org.tandem.store.Database;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * Scope, pool and reservation writes reach a real dhcpd 4.4.3 pair (DhcpdLab: two namespaces, two agents):
 * JSON-RPC to an in-process Central with its sync jobs. Each test states what a user sees in the servers'
 * dhcpd.conf and in the API; the last one syncs both servers and finds nothing to change (round trip).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScopeWritesDhcpdIT {

    private static final String PASSWORD = "scope-writes-password";
    private static final String REL = "sw-fo";

    private static DhcpdLab lab;
    private static Central central;
    private static TandemClient rpc;
    private static String scopeRef;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("sw-" + UUID.randomUUID()),
                new CentralConfig(Duration.ofSeconds(900), Duration.ofHours(1), 1 << 20, Duration.ofSeconds(1)), Clock.systemUTC(),
                List.of(new SyncExtension()), PASSWORD));
        rpc = new TandemClient(URI.create("http://127.0.0.1:" + central.port()), null);
        rpc.login("administrator", PASSWORD);
        addServer("dhcp-a", lab.primary());
        addServer("dhcp-b", lab.secondary());
        // The servers' own subnet is imported by the first sync; writes below start from that state.
        rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", "dhcp-a"));
        rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", "dhcp-b"));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    @Test
    @Order(1)
    void addScope_withPool_writesSubnetOnItsServerOnly() throws Exception {
        String range = call("AddRange", "{\"range\":{\"name\":\"sw-lan\",\"subnet\":\"198.19.210.0/24\"}}").path("ref").asText();
        JsonNode added = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"dhcp-a\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"198.19.210.10\",\"to\":\"198.19.210.99\"}],\"saveComment\":\"new lan\"}");
        scopeRef = added.path("ref").asText();
        assertThat(added.path("dryRun").asBoolean()).isFalse();
        assertThat(added.path("changes")).singleElement().satisfies(c -> assertThat(c.path("server").asText()).isEqualTo("dhcp-a"));
        assertThat(conf(lab.primary())).contains("subnet 198.19.210.0 netmask 255.255.255.0 {").contains("range 198.19.210.10 198.19.210.99;");
        assertThat(conf(lab.secondary())).doesNotContain("198.19.210.0");
        assertThat(call("GetDHCPAddressPools", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("totalResults").asInt()).isEqualTo(1);
    }

    @Test
    @Order(2)
    void dryRun_everyWrite_returnsDiffAndChangesNothing() throws Exception {
        String a = conf(lab.primary());
        String history = call("GetChangeHistory", "{}").path("totalResults").asText();
        JsonNode pool = call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dhcpAddressPool\":{\"from\":\"198.19.210.150\","
                + "\"to\":\"198.19.210.160\"},\"dryRun\":true}");
        assertThat(pool.path("dryRun").asBoolean()).isTrue();
        assertThat(pool.path("ref").isMissingNode()).isTrue();
        assertThat(pool.path("changes").get(0).path("diff").asText()).contains("+    range 198.19.210.150 198.19.210.160;");
        JsonNode removal = call("RemoveDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dryRun\":true}");
        assertThat(removal.path("changes").get(0).path("diff").asText()).contains("-subnet 198.19.210.0 netmask 255.255.255.0 {");
        call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":false},\"dryRun\":true}");
        call("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":{\"name\":\"pc1\",\"clientIdentifier\":"
                + "\"00:11:22:33:44:55\",\"addresses\":[\"198.19.210.5\"]},\"dryRun\":true}");
        assertThat(conf(lab.primary())).isEqualTo(a);
        assertThat(call("GetChangeHistory", "{}").path("totalResults").asText()).isEqualTo(history);
        assertThat(call("GetDHCPAddressPools", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("totalResults").asInt()).isEqualTo(1);
        assertThat(call("GetDHCPReservations", "{\"owner\":\"" + scopeRef + "\"}").path("totalResults").asInt()).isZero();
    }

    @Test
    @Order(3)
    void poolsAndReservations_addAndRemove_reachTheServer() throws Exception {
        String pool = call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dhcpAddressPool\":{\"from\":\"198.19.210.150\","
                + "\"to\":\"198.19.210.160\"}}").path("ref").asText();
        assertThat(conf(lab.primary())).contains("range 198.19.210.150 198.19.210.160;");
        String host = call("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":{\"name\":\"printer\",\"clientIdentifier\":"
                + "\"00:11:22:33:44:55\",\"addresses\":[\"198.19.210.5\"]}}").path("ref").asText();
        assertThat(conf(lab.primary())).contains("host printer {").contains("hardware ethernet 00:11:22:33:44:55;")
                .contains("fixed-address 198.19.210.5;");
        call("RemoveDHCPAddressPool", "{\"dhcpAddressPoolRef\":\"" + pool + "\"}");
        assertThat(conf(lab.primary())).doesNotContain("198.19.210.150");
        call("RemoveDHCPReservation", "{\"dhcpReservationRef\":\"" + host + "\"}");
        assertThat(conf(lab.primary())).doesNotContain("host printer");
        // A name dhcpd cannot take is refused by name, and nothing changes.
        String before = conf(lab.primary());
        JsonNode bad = callError("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":{\"name\":\"two words\","
                + "\"clientIdentifier\":\"00:11:22:33:44:56\",\"addresses\":[\"198.19.210.6\"]}}");
        assertThat(bad.path("message").asText()).contains("dhcpReservation.name");
        assertThat(conf(lab.primary())).isEqualTo(before);
        assertThat(call("GetDHCPReservations", "{\"owner\":\"" + scopeRef + "\"}").path("totalResults").asInt()).isZero();
    }

    @Test
    @Order(4)
    void hostileNamesAndValues_throughTheApi_areRefusedByFieldAndNeverReachDhcpdConf() throws Exception {
        String before = conf(lab.primary());
        String history = call("GetChangeHistory", "{}").path("totalResults").asText();
        List<String> names = List.of("a\\\"b", "x; } host evil { fixed-address 198.19.210.7", "two\\nlines", "brace{", "include \\\"/etc/passwd\\\"",
                "caf\u00e9", "-leading-dash", "x".repeat(64));
        for (String name : names) {
            JsonNode bad = callError("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":{\"name\":\"" + name
                    + "\",\"clientIdentifier\":\"00:11:22:33:44:57\",\"addresses\":[\"198.19.210.7\"]}}");
            assertThat(bad.path("message").asText()).as(name).contains("dhcpReservation.name");
        }
        for (String[] field : List.of(new String[] {"clientIdentifier", "00:11:22:33:44:57; }"}, new String[] {"addresses", "198.19.210.7; }"})) {
            String reservation = "{\"name\":\"ok-name\",\"clientIdentifier\":\"" + (field[0].equals("clientIdentifier") ? field[1] : "00:11:22:33:44:57")
                    + "\",\"addresses\":[\"" + (field[0].equals("addresses") ? field[1] : "198.19.210.7") + "\"]}";
            JsonNode bad = callError("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":" + reservation + "}");
            assertThat(bad.path("message").asText()).as(field[0]).contains(field[0]);
        }
        assertThat(conf(lab.primary())).isEqualTo(before);
        assertThat(call("GetChangeHistory", "{}").path("totalResults").asText()).isEqualTo(history);
        assertThat(call("GetDHCPReservations", "{\"owner\":\"" + scopeRef + "\"}").path("totalResults").asInt()).isZero();
    }

    @Test
    @Order(5)
    void modifyScope_disableThenEnable_commentsTheSubnetOutAndBack() throws Exception {
        String before = conf(lab.primary());
        call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":false}}");
        assertThat(conf(lab.primary())).contains("# tandem:disabled-subnet 198.19.210.0/24").doesNotContain("\nsubnet 198.19.210.0");
        assertThat(call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScope").path("enabled").asBoolean()).isFalse();
        call("ModifyDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"properties\":{\"enabled\":true}}");
        assertThat(conf(lab.primary())).isEqualTo(before);
    }

    @Test
    @Order(6)
    void failoverScope_poolsAndReservationsGoToBothServers_refusalsNameTheRelationship() throws Exception {
        call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"" + REL + "\",\"primaryServer\":\"dhcp-a\","
                + "\"secondaryServer\":\"dhcp-b\",\"failoverMode\":\"LoadBalance\",\"mclt\":600,\"maxResponseDelay\":15,"
                + "\"primaryAddress\":\"" + lab.primary().address() + "\",\"secondaryAddress\":\"" + lab.secondary().address() + "\"}}");
        call("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"dhcp-a\",\"dhcpFailoverRelationshipName\":\"" + REL + "\","
                + "\"dhcpScopeRefs\":[\"" + scopeRef + "\"]}");
        JsonNode pool = call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dhcpAddressPool\":{\"from\":\"198.19.210.200\","
                + "\"to\":\"198.19.210.220\"}}");
        assertThat(pool.path("changes").findValuesAsText("server")).containsExactly("dhcp-b", "dhcp-a");
        for (DhcpdLab.Server s : lab.servers()) {
            assertThat(conf(s)).as(s.label()).contains("range 198.19.210.200 198.19.210.220;")
                    .containsPattern("pool \\{\\s+failover peer \"" + REL + "\";\\s+range 198.19.210.200");
        }
        String host = call("AddDHCPReservation", "{\"owner\":\"" + scopeRef + "\",\"dhcpReservation\":{\"name\":\"camera\",\"clientIdentifier\":"
                + "\"00:11:22:33:44:77\",\"addresses\":[\"198.19.210.7\"]}}").path("ref").asText();
        lab.servers().forEach(s -> assertThat(confUnchecked(s)).as(s.label()).contains("host camera {"));
        call("RemoveDHCPReservation", "{\"dhcpReservationRef\":\"" + host + "\"}");
        lab.servers().forEach(s -> assertThat(confUnchecked(s)).as(s.label()).doesNotContain("host camera"));
        String poolRef = pool.path("ref").asText();
        call("RemoveDHCPAddressPool", "{\"dhcpAddressPoolRef\":\"" + poolRef + "\"}");
        lab.servers().forEach(s -> assertThat(confUnchecked(s)).as(s.label()).doesNotContain("198.19.210.200"));

        String a = conf(lab.primary());
        String b = conf(lab.secondary());
        JsonNode removeScope = callError("RemoveDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}");
        assertThat(removeScope.path("message").asText()).contains(REL).contains("remove it from the relationship first");
        String lastPool = call("GetDHCPAddressPools", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpAddressPools").get(0).path("ref").asText();
        JsonNode removeLast = callError("RemoveDHCPAddressPool", "{\"dhcpAddressPoolRef\":\"" + lastPool + "\"}");
        assertThat(removeLast.path("message").asText()).contains("last pool").contains(REL);
        assertThat(conf(lab.primary())).isEqualTo(a);
        assertThat(conf(lab.secondary())).isEqualTo(b);
    }

    @Test
    @Order(7)
    void removeScope_theSubnetDhcpdSitsOn_isRefusedNamingTheAddress() throws Exception {
        String own = lab.subnetPrefix() + ".0/24";
        JsonNode scopes = call("GetDHCPScopes", "{\"filter\":\"name=" + own + "\"}").path("dhcpScopes");
        String onA = null;
        for (JsonNode scope : scopes) {
            if (scope.path("dhcpServerRef").asText().equals(call("GetDHCPServer", "{\"dhcpServerRef\":\"dhcp-a\"}").path("dhcpServer")
                    .path("ref").asText())) {
                onA = scope.path("ref").asText();
            }
        }
        assertThat(onA).as("the lab's own subnet, imported by the first sync").isNotNull();
        String before = conf(lab.primary());
        JsonNode e = callError("RemoveDHCPScope", "{\"dhcpScopeRef\":\"" + onA + "\"}");
        assertThat(e.path("message").asText()).contains("itself sits on subnet").contains(lab.primary().address());
        assertThat(conf(lab.primary())).isEqualTo(before);
    }

    @Test
    @Order(8)
    void unreachableServer_addScopeFails_namesServerAndStoresNothing() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"dhcp-gone\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":" + closed
                + ",\"agentToken\":\"" + lab.primary().agentToken() + "\"}}");
        String range = call("AddRange", "{\"range\":{\"name\":\"sw-gone\",\"subnet\":\"198.19.211.0/24\"}}").path("ref").asText();
        int scopes = call("GetDHCPScopes", "{}").path("totalResults").asInt();
        JsonNode e = callError("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"dhcp-gone\"}}");
        assertThat(e.path("message").asText()).contains("dhcp-gone");
        assertThat(call("GetDHCPScopes", "{}").path("totalResults").asInt()).isEqualTo(scopes);
        call("RemoveDHCPServer", "{\"dhcpServerRef\":\"dhcp-gone\"}");
    }

    @Test
    @Order(9)
    void roundTrip_syncAfterTheWrites_findsNothingToChange() {
        for (String server : List.of("dhcp-a", "dhcp-b")) {
            JsonNode outcome = rpc.call("SyncDHCPServer", TandemClient.params().put("dhcpServerRef", server));
            assertThat(outcome.toString()).as(server).contains("\"created\":0").contains("\"removed\":0");
        }
    }

    private static void addServer(String name, DhcpdLab.Server s) {
        call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + name + "\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                + s.agentUri().getPort() + ",\"agentToken\":\"" + s.agentToken() + "\"}}");
    }

    private static String conf(DhcpdLab.Server s) throws Exception {
        return Files.readString(s.conf());
    }

    private static String confUnchecked(DhcpdLab.Server s) {
        try {
            return conf(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode call(String method, String params) {
        try {
            return rpc.call(method, (ObjectNode) TandemClient.json().readTree(params));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode callError(String method, String params) {
        TandemClient.RpcError[] caught = new TandemClient.RpcError[1];
        assertThatThrownBy(() -> call(method, params)).isInstanceOfSatisfying(TandemClient.RpcError.class, e -> caught[0] = e);
        return TandemClient.json().createObjectNode().put("code", caught[0].code()).put("message", caught[0].getMessage());
    }
}
