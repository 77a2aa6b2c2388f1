package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.central.CentralConfig;
import org.tandem.central.TestCentral;
import org.tandem.lab.DhcpdLab;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;
import org.tandem.testing.RpcSession;

/**
 * Issue 12 on a real dhcpd 4.4.3 pair: failover writes and reads from states the servers really reach on day two
 * (after a sync, after a hand edit of both files), where the store used to drift from the configs and win.
 * Each test starts from the state the previous one left; each names the defect it guards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailoverDayTwoDhcpdIT {

    private static final String REL = "day-two";
    private static final String REL3 = "day-three";

    private static DhcpdLab lab;
    private static TestCentral central;
    private static RpcSession rpc;
    private static String primaryRef;
    private static String secondaryRef;
    private static String scopeRef;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        // With the background jobs: the import of new servers runs as it does for a user.
        central = new TestCentral(CentralConfig.defaults(), List.of(new SyncExtension()));
        rpc = RpcSession.administrator(central);
        primaryRef = addServer("day-a", lab.primary());
        secondaryRef = addServer("day-b", lab.secondary());
        String range = call("AddRange", "{\"range\":{\"name\":\"day-two\",\"subnet\":\"198.19.210.0/24\"}}").path("ref").asText();
        scopeRef = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + primaryRef + "\"}}")
                .path("ref").asText();
        call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scopeRef + "\",\"dhcpAddressPool\":{\"from\":\"198.19.210.10\",\"to\":\"198.19.210.99\"}}");
        call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"" + REL + "\",\"primaryServer\":\"day-a\","
                + "\"secondaryServer\":\"day-b\",\"mclt\":600,\"maxResponseDelay\":15,"
                + "\"primaryAddress\":\"" + lab.primary().address() + "\",\"secondaryAddress\":\"" + lab.secondary().address() + "\"}}");
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    @Test
    @Order(1)
    void afterSync_relationshipListsOnlyThePrimarysInstance() {
        addScope();
        syncBoth();
        JsonNode r = relationship();
        assertThat(r.path("state").asText()).isEqualTo("Normal");
        assertThat(texts(r.path("dhcpScopeRefs"))).containsExactly(scopeRef);
    }

    @Test
    @Order(2)
    void afterSync_removeScopesWithDelete_succeedsAndTakesTheSecondaryInstanceOff() throws Exception {
        JsonNode r = removeScope("Delete");
        assertThat(r.path("state").asText()).isEqualTo("Empty");
        assertThat(conf(lab.secondary())).doesNotContain("198.19.210.0").doesNotContain("failover peer");
        assertThat(instances()).hasSize(1);
        assertThat(texts(relationship().path("dhcpScopeRefs"))).isEmpty();
    }

    @Test
    @Order(3)
    void afterSync_removeTheSecondarysInstance_takesTheScopeOutOfFailover() throws Exception {
        addScope();
        syncBoth();
        String secondaryInstance = instances().stream().filter(s -> s.path("dhcpServerRef").asText().equals(secondaryRef))
                .findFirst().orElseThrow().path("ref").asText();
        call("RemoveDHCPScopeInstance", "{\"dhcpScopeRef\":\"" + secondaryInstance + "\"}");
        assertThat(instances()).hasSize(1);
        assertThat(conf(lab.secondary())).doesNotContain("198.19.210.0");
        assertThat(relationship().path("state").asText()).isEqualTo("Empty");
    }

    @Test
    @Order(4)
    void afterSync_removeScopesWithNone_leavesNoFailoverTraceInTheApi() throws Exception {
        addScope();
        syncBoth();
        JsonNode r = removeScope("None");
        assertThat(r.path("state").asText()).isEqualTo("Empty");
        assertThat(texts(relationship().path("dhcpScopeRefs"))).isEmpty();
        JsonNode scope = call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScope");
        assertThat(scope.path("authority").asText()).isEqualTo("Server");
        assertThat(instances()).hasSize(2).allSatisfy(i -> assertThat(i.path("authority").asText()).isEqualTo("Server"));
        syncBoth();
        assertThat(relationship().path("state").asText()).isEqualTo("Empty");
        // The pair was normal a moment ago; an Empty relationship runs nowhere, so that state must not linger.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        List<String> states = peerStates();
        while (!states.stream().allMatch("unknown"::equals) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            states = peerStates();
        }
        assertThat(states).hasSize(2).containsOnly("unknown");
    }

    private static List<String> peerStates() {
        List<String> out = new ArrayList<>();
        relationship().path("peerStates").forEach(p -> out.add(p.path("state").asText()));
        return out;
    }

    @Test
    @Order(5)
    void handEditOfBothFiles_nextSyncTakesTheServersSettings() throws Exception {
        addScope();
        for (DhcpdLab.Server s : lab.servers()) {
            String text = conf(s);
            assertThat(text).contains("max-response-delay 15;");
            Files.writeString(s.conf(), text.replace("max-response-delay 15;", "max-response-delay 25;"));
        }
        syncBoth();
        assertThat(relationship().path("maxResponseDelay").asInt()).isEqualTo(25);
        JsonNode history = call("GetChangeHistory", "{}");
        assertThat(history.toString()).contains("declare it");
    }

    @Test
    @Order(6)
    void handEditRemovingFailoverFromBothFiles_relationshipIsEmptyAfterSync() throws Exception {
        for (DhcpdLab.Server s : lab.servers()) {
            String text = conf(s);
            String noStatements = text.replaceAll("\\s*failover peer \"" + REL + "\";", "");
            String noBlock = noStatements.replaceAll("(?s)failover peer \"" + REL + "\" \\{.*?\\n\\}\\n", "");
            assertThat(noBlock).doesNotContain("failover peer");
            Files.writeString(s.conf(), noBlock);
        }
        syncBoth();
        JsonNode r = relationship();
        assertThat(r.path("state").asText()).isEqualTo("Empty");
        assertThat(texts(r.path("dhcpScopeRefs"))).isEmpty();
        assertThat(call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScope").path("authority").asText())
                .isEqualTo("Server");
    }

    @Test
    @Order(7)
    void secondRelationshipOnTheSamePair_isRefusedBeforeAnythingIsWritten() throws Exception {
        String a = conf(lab.primary());
        JsonNode error = callError("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"fo2\","
                + "\"primaryServer\":\"day-a\",\"secondaryServer\":\"day-b\",\"port\":648,\"peerPort\":648}}");
        assertThat(error.path("message").asText()).contains("\"" + REL + "\" already joins").contains(lab.primary().address());
        assertThat(call("GetDHCPFailoverRelationships", "{}").path("dhcpFailoverRelationships")).hasSize(1);
        assertThat(conf(lab.primary())).isEqualTo(a);
    }

    @Test
    @Order(8)
    void sameAddressOnBothSides_isRefusedNamingTheField() {
        JsonNode error = callError("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"fo3\","
                + "\"primaryServer\":\"day-a\",\"secondaryServer\":\"day-b\",\"primaryAddress\":\"" + lab.primary().address()
                + "\",\"secondaryAddress\":\"" + lab.primary().address() + "\"}}");
        assertThat(error.path("message").asText()).contains("secondaryAddress").contains("both " + lab.primary().address());
    }

    @Test
    @Order(9)
    void newRelationshipWithoutAddresses_takesTheAddressesDhcpdListensOnAndReachesNormal() throws Exception {
        call("RemoveDHCPFailoverRelationships", "{\"dhcpRefAndFailoverRelationshipNames\":[{\"dhcpFailoverRelationshipName\":\""
                + REL + "\"}]}");
        call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"" + REL3 + "\",\"primaryServer\":\"day-a\","
                + "\"secondaryServer\":\"day-b\",\"mclt\":600}}");
        JsonNode r = relationship(REL3);
        // The agents listen on 127.0.0.1; dhcpd listens in its namespace, which its agent reads for Central.
        assertThat(r.path("primaryAddress").asText()).isEqualTo(lab.primary().address());
        assertThat(r.path("secondaryAddress").asText()).isEqualTo(lab.secondary().address());
        call("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL3 + "\",\"dhcpScopeRefs\":[\"" + scopeRef + "\"]}");
        lab.awaitNormal(lab.primary(), REL3, Duration.ofSeconds(60));
        lab.awaitNormal(lab.secondary(), REL3, Duration.ofSeconds(60));
    }

    @Test
    @Order(10)
    void deleteTheSecondarysOwnSubnetFromFailover_isRefusedBeforeWriting() throws Exception {
        String own = lab.subnetPrefix();
        for (String server : List.of(primaryRef, secondaryRef)) {
            String scope = labScope(server);
            call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scope + "\",\"dhcpAddressPool\":{\"from\":\"" + own + ".100\",\"to\":\""
                    + own + ".150\"}}");
        }
        String scope = labScope(primaryRef);
        call("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL3 + "\",\"dhcpScopeRefs\":[\"" + scope + "\"]}");
        String b = conf(lab.secondary());
        JsonNode error = callError("RemoveDHCPScopesFromDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef
                + "\",\"dhcpFailoverRelationshipName\":\"" + REL3 + "\",\"dhcpScopeRefs\":[\"" + scope + "\"],"
                + "\"dhcpFailoverRelationshipDeconfigureAction\":\"Delete\"}");
        assertThat(error.path("message").asText()).contains("\"day-b\" itself sits on subnet").contains("will not delete");
        assertThat(conf(lab.secondary())).isEqualTo(b);
    }

    @Test
    @Order(11)
    void addScopeInANewRange_refusedByTheServer_leavesNoRangeAndTheNextSyncImportsTheRealSubnet() throws Exception {
        // Someone declared the subnet on the server by hand; Tandem has not synced it yet.
        String original = conf(lab.primary());
        Files.writeString(lab.primary().conf(), original + "subnet 198.19.211.0 netmask 255.255.255.0 {\n}\n");
        JsonNode error = callError("AddDHCPScope", "{\"range\":{\"subnet\":\"198.19.211.0/24\"},\"dhcpScope\":{\"dhcpServerRef\":\""
                + primaryRef + "\"},\"dhcpAddressPools\":[{\"from\":\"198.19.211.10\",\"to\":\"198.19.211.20\"}]}");
        assertThat(error.path("message").asText()).contains("198.19.211");
        assertThat(call("GetRanges", "{}").toString()).doesNotContain("198.19.211.0");
        call("SyncDHCPServer", "{\"dhcpServerRef\":\"" + primaryRef + "\"}");
        assertThat(call("GetDHCPScopes", "{\"filter\":\"dhcpServerRef=" + primaryRef + "\"}").toString()).contains("198.19.211.0");
    }

    @Test
    @Order(12)
    void addScopeWithARelationship_answersEveryServersDiff() {
        JsonNode r = call("AddDHCPScope", "{\"range\":{\"subnet\":\"198.19.212.0/24\"},\"dhcpScope\":{\"dhcpServerRef\":\""
                + primaryRef + "\"},\"dhcpAddressPools\":[{\"from\":\"198.19.212.10\",\"to\":\"198.19.212.20\"}],"
                + "\"dhcpFailoverRelationshipName\":\"" + REL3 + "\"}");
        List<String> servers = new ArrayList<>();
        r.path("changes").forEach(c -> servers.add(c.path("server").asText()));
        assertThat(servers).contains("day-a", "day-b");
        assertThat(r.path("changes").toString()).contains("failover peer \\\"" + REL3 + "\\\";");
    }

    @Test
    @Order(13)
    void check_afterTheWrites_findsNothing_thenAHandEditOfTheSecondary_isNamedAndReplicateRepairsIt() throws Exception {
        assertThat(findings()).isEmpty();
        String b = conf(lab.secondary());
        assertThat(b).contains("range 198.19.212.10 198.19.212.20;");
        Files.writeString(lab.secondary().conf(), b.replace("range 198.19.212.10 198.19.212.20;", "range 198.19.212.10 198.19.212.30;"));
        List<JsonNode> drift = findings();
        assertThat(drift).singleElement().satisfies(f -> {
            assertThat(f.path("kind").asText()).isEqualTo("Peers");
            assertThat(f.path("subnet").asText()).isEqualTo("198.19.212.0/24");
            assertThat(f.path("message").asText()).contains("differs between \"day-a\" and \"day-b\"");
        });
        String edited = conf(lab.secondary());
        JsonNode dry = call("ReplicateDHCPFailover", "{\"dhcpServerRef\":\"" + secondaryRef + "\",\"dhcpFailoverRelationshipName\":\""
                + REL3 + "\",\"dryRun\":true}").path("results").get(0);
        assertThat(dry.path("changes")).singleElement().satisfies(c -> {
            assertThat(c.path("server").asText()).isEqualTo("day-b");
            assertThat(c.path("diff").asText()).contains("-    range 198.19.212.10 198.19.212.30;").contains("+    range 198.19.212.10 198.19.212.20;");
        });
        assertThat(conf(lab.secondary())).isEqualTo(edited);
        call("ReplicateDHCPFailover", "{\"dhcpServerRef\":\"" + secondaryRef + "\",\"dhcpFailoverRelationshipName\":\"" + REL3
                + "\",\"saveComment\":\"repair\"}");
        assertThat(conf(lab.secondary())).contains("range 198.19.212.10 198.19.212.20;");
        assertThat(findings()).isEmpty();
        lab.awaitNormal(lab.secondary(), REL3, Duration.ofSeconds(60));
    }

    @Test
    @Order(14)
    void poolsNamingTwoPeers_theScopeAndItsPoolsShowTheFirstPoolsPeer() throws Exception {
        // By hand on both servers: a second relationship "other", and a pool naming it put before 198.19.212.0's pool.
        List<String> originals = new ArrayList<>();
        try {
            for (DhcpdLab.Server s : lab.servers()) {
                String text = conf(s);
                originals.add(text);
                String block = text.substring(text.indexOf("failover peer \"" + REL3 + "\" {"));
                block = block.substring(0, block.indexOf("}\n") + 2).replace("\"" + REL3 + "\"", "\"other\"")
                        .replaceAll("port 647;", "port 700;");
                String subnet = "subnet 198.19.212.0 netmask 255.255.255.0 {\n";
                Files.writeString(s.conf(), block + text.replace(subnet, subnet + "  pool {\n    failover peer \"other\";\n"
                        + "    range 198.19.212.100 198.19.212.110;\n  }\n"));
            }
            syncBoth();
            String scope = call("GetDHCPScopes", "{\"filter\":\"dhcpServerRef=" + primaryRef + "\"}").path("dhcpScopes").findParents("from")
                    .stream().filter(n -> n.path("from").asText().equals("198.19.212.0")).findFirst().orElseThrow().path("ref").asText();
            assertThat(call("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scope + "\"}").path("dhcpScope").path("failoverRelationship").asText())
                    .isEqualTo("other");
            call("GetDHCPAddressPools", "{\"dhcpScopeRef\":\"" + scope + "\"}").path("dhcpAddressPools")
                    .forEach(pool -> assertThat(pool.path("failoverRelationship").asText()).isEqualTo("other"));
            assertThat(texts(relationship(REL3).path("dhcpScopeRefs"))).doesNotContain(scope);
        } finally {
            for (int i = 0; i < originals.size(); i++) {
                Files.writeString(lab.servers().get(i).conf(), originals.get(i));
            }
        }
    }

    private static List<JsonNode> findings() {
        List<JsonNode> out = new ArrayList<>();
        call("CheckDHCPFailover", "{\"dhcpServerRef\":\"" + primaryRef + "\",\"dhcpFailoverRelationshipName\":\"" + REL3 + "\"}")
                .path("findings").forEach(out::add);
        return out;
    }

    /** The server's instance of the lab's own subnet (the one dhcpd listens on), imported when the server was added. */
    private static String labScope(String serverRef) {
        for (JsonNode s : call("GetDHCPScopes", "{\"filter\":\"dhcpServerRef=" + serverRef + "\"}").path("dhcpScopes")) {
            if (s.toString().contains(lab.subnetPrefix() + ".0")) {
                return s.path("ref").asText();
            }
        }
        throw new AssertionError("no scope of " + lab.subnetPrefix() + ".0/24 on " + serverRef);
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

    private static void syncBoth() {
        for (String ref : List.of(primaryRef, secondaryRef)) {
            call("SyncDHCPServer", "{\"dhcpServerRef\":\"" + ref + "\"}");
        }
    }

    private static JsonNode relationship() {
        return relationship(REL);
    }

    private static JsonNode relationship(String name) {
        return call("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef + "\",\"dhcpFailoverRelationshipName\":\"" + name + "\"}")
                .path("dhcpFailoverRelationship");
    }

    private static List<JsonNode> instances() {
        List<JsonNode> out = new ArrayList<>();
        call("GetDHCPScopeInstances", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScopes").forEach(out::add);
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String addServer(String name, DhcpdLab.Server s) {
        return call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"" + name + "\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                + s.agentUri().getPort() + ",\"agentToken\":\"" + s.agentToken() + "\"}}").path("ref").asText();
    }

    private static String conf(DhcpdLab.Server s) throws Exception {
        return Files.readString(s.conf());
    }

    private static JsonNode call(String method, String params) {
        return rpc.call(method, params);
    }

    private static JsonNode callError(String method, String params) {
        return rpc.error(method, params);
    }
}
