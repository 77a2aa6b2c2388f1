package org.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tandem.central.TestCentral;
import org.tandem.change.ChangeEngine;
import org.tandem.failover.FailoverRelationship;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.lab.DhcpdLab;
import org.tandem.lab.KeaLab;

/**
 * "Failover changes end to end": adding one scope to a relationship through Central's JSON-RPC API on
 * a real dhcpd pair carrying 2,000 failover scopes each ({@code AddDHCPScopesToDHCPFailoverRelationship})
 * and on a real Kea HA pair carrying 2,000 subnets each (Kea 2.2's HA is server-wide, so there a scope
 * joins the relationship by being made on an HA server: {@code AddDHCPScope} with its pool, once right
 * after another change and once when Central's last read of the servers is older than
 * {@link ChangeEngine#RECENT_READ}), against the servers' own time for the same change measured in the same run:
 * dhcpd: {@code dhcpd -t} of the new file, replacing it and restarting dhcpd, until OMAPI shows
 * normal/normal again, secondary then primary; Kea: config-test, config-set and config-write of the
 * new config, until the server is back in load-balancing, secondary then primary. The baseline
 * re-applies exactly the configurations Tandem wrote, after the old ones were put back (not timed).
 * One change of another scope runs first (not timed), so the JVM is warm as in a running Central.
 *
 * <p>Run with {@code bench/failover-change.sh} (root: the dhcpd pair lives in network namespaces).
 * The 2,000 declared subnets are 10.x.y.0/24 in the configs only; no traffic goes to them.
 */
public final class FailoverEndToEndBench {

    private static final int SCOPES = 2000;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private FailoverEndToEndBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        String only = args.length > 1 ? args[1] : "both";
        for (int i = 0; i < rounds; i++) {
            if (!only.equals("kea")) {
                dhcpd();
            }
            if (!only.equals("dhcpd")) {
                kea();
            }
        }
    }

    // ------------------------------------------------------------------ dhcpd

    private static void dhcpd() throws Exception {
        try (DhcpdLab lab = DhcpdLab.start(); TestCentral central = new TestCentral()) {
            String peer = "bench-fo";
            Files.writeString(lab.primary().conf(), dhcpdConfig(lab, peer, true));
            Files.writeString(lab.secondary().conf(), dhcpdConfig(lab, peer, false));
            lab.startDhcpd(lab.secondary());
            lab.startDhcpd(lab.primary());
            lab.awaitNormal(lab.primary(), peer, DEADLINE);
            lab.awaitNormal(lab.secondary(), peer, DEADLINE);
            Rpc rpc = new Rpc(central);
            String a = rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"dhcp-a\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                    + lab.primary().agentUri().getPort() + ",\"agentToken\":\"" + lab.primary().agentToken() + "\"}}").path("ref").asText();
            rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"dhcp-b\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":"
                    + lab.secondary().agentUri().getPort() + ",\"agentToken\":\"" + lab.secondary().agentToken() + "\"}}");
            rpc.call("AddDHCPFailoverRelationship", "{\"dhcpFailoverRelationship\":{\"name\":\"" + peer + "\",\"primaryServer\":\"dhcp-a\","
                    + "\"secondaryServer\":\"dhcp-b\",\"primaryAddress\":\"" + lab.primary().address() + "\",\"secondaryAddress\":\""
                    + lab.secondary().address() + "\"}}");
            warmUp(rpc, a, peer, "10.251.0.0/24");
            lab.awaitNormal(lab.primary(), peer, DEADLINE);
            lab.awaitNormal(lab.secondary(), peer, DEADLINE);
            String scope = rpc.scope(a, "10.250.0.0/24", "10.250.0.10", "10.250.0.200");
            String beforeA = Files.readString(lab.primary().conf());
            String beforeB = Files.readString(lab.secondary().conf());

            long t0 = System.nanoTime();
            rpc.call("AddDHCPScopesToDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + a + "\",\"dhcpFailoverRelationshipName\":\""
                    + peer + "\",\"dhcpScopeRefs\":[\"" + scope + "\"]}");
            long tandem = System.nanoTime() - t0;
            lab.awaitNormal(lab.secondary(), peer, DEADLINE);
            String afterA = Files.readString(lab.primary().conf());
            String afterB = Files.readString(lab.secondary().conf());

            // Back to the old configs (not timed), then the servers' own time for the same change.
            Files.writeString(lab.secondary().conf(), beforeB);
            lab.startDhcpd(lab.secondary());
            lab.awaitNormal(lab.secondary(), peer, DEADLINE);
            Files.writeString(lab.primary().conf(), beforeA);
            lab.startDhcpd(lab.primary());
            lab.awaitNormal(lab.primary(), peer, DEADLINE);
            lab.awaitNormal(lab.secondary(), peer, DEADLINE);
            long servers = 0;
            for (var step : List.of(new Object[] {lab.secondary(), afterB}, new Object[] {lab.primary(), afterA})) {
                DhcpdLab.Server s = (DhcpdLab.Server) step[0];
                String text = (String) step[1];
                long s0 = System.nanoTime();
                Path check = s.dir().resolve("bench-check.conf");
                Files.writeString(check, text);
                Process p = new ProcessBuilder("dhcpd", "-4", "-t", "-cf", check.toString()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                    throw new IllegalStateException("dhcpd -t refused the config Tandem wrote");
                }
                Files.delete(check);
                Files.writeString(s.conf(), text);
                lab.startDhcpd(s);
                lab.awaitNormal(s, peer, DEADLINE);
                servers += System.nanoTime() - s0;
            }
            report("dhcpd pair, " + SCOPES + " scopes each", "AddDHCPScopesToDHCPFailoverRelationship", tandem, servers);
        }
    }

    private static String dhcpdConfig(DhcpdLab lab, String peer, boolean primary) {
        StringBuilder b = new StringBuilder(lab.baseConfig());
        String me = primary ? lab.primary().address() : lab.secondary().address();
        String other = primary ? lab.secondary().address() : lab.primary().address();
        b.append("failover peer \"").append(peer).append("\" {\n  ").append(primary ? "primary" : "secondary").append(";\n")
                .append("  address ").append(me).append(";\n  port 647;\n  peer address ").append(other).append(";\n  peer port 647;\n")
                .append("  max-response-delay 60;\n  max-unacked-updates 10;\n");
        if (primary) {
            b.append("  mclt 3600;\n  split 128;\n");
        }
        b.append("  load balance max seconds 3;\n}\n");
        for (int i = 0; i < SCOPES; i++) {
            String net = "10." + (i / 256) + "." + (i % 256);
            b.append("subnet ").append(net).append(".0 netmask 255.255.255.0 {\n  pool {\n    failover peer \"").append(peer)
                    .append("\";\n    range ").append(net).append(".10 ").append(net).append(".19;\n  }\n}\n");
        }
        return b.toString();
    }


    // ------------------------------------------------------------------ Kea

    private static void kea() throws Exception {
        try (KeaLab lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING)); TestCentral central = new TestCentral()) {
            KeaHaActions ha = new KeaHaActions(Clock.systemUTC());
            KeaClient k1 = new KeaClient("server1", KeaEndpoint.ControlAgent.of(lab.node(0).agentUrl()));
            KeaClient k2 = new KeaClient("server2", KeaEndpoint.ControlAgent.of(lab.node(1).agentUrl()));
            for (KeaClient k : List.of(k2, k1)) {
                ObjectNode doc = (ObjectNode) JSON.readTree(config(k).json());
                ArrayNode subnets = (ArrayNode) doc.path("Dhcp4").path("subnet4");
                for (int i = 0; i < SCOPES; i++) {
                    String net = "10." + (i / 256) + "." + (i % 256);
                    ObjectNode s = subnets.addObject();
                    s.put("id", i + 2).put("subnet", net + ".0/24");
                    ArrayNode pools = s.putArray("pools");
                    pools.addObject().put("pool", net + ".10 - " + net + ".99").put("client-class", "HA_server1");
                    pools.addObject().put("pool", net + ".100 - " + net + ".189").put("client-class", "HA_server2");
                }
                k.ok("config-set", doc, false);
            }
            for (KeaClient k : List.of(k1, k2)) {
                awaitLoadBalancing(ha, k);
            }
            Rpc rpc = new Rpc(central);
            String a = rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"server1\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":"
                    + lab.node(0).agentUrl().getPort() + "}}").path("ref").asText();
            String b = rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"server2\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":"
                    + lab.node(1).agentUrl().getPort() + "}}").path("ref").asText();
            // The pair was configured outside Tandem; this stands for what import records for it.
            central.central.failoverRelationships().insert(new FailoverRelationship(0, "bench-ha", id(a), id(b),
                    FailoverRelationship.Mode.LoadBalance, 50, 3600, 647, 647, 3, 2000, 10, 1000, 1000, 0, true,
                    FailoverRelationship.State.Normal, List.of()));
            // Kea 2.2's HA covers every subnet of the server, so a scope joins the relationship when it is made on
            // an HA server: AddDHCPScope with its pool writes the subnet, with one id and the pool split between the
            // peers, to both servers. Warm-up: one such scope made before (it stays).
            rpc.call("AddDHCPScope", newScope(a, rpc.range("10.251.0.0/24"), "10.251.0.10", "10.251.0.20"));
            for (KeaClient k : List.of(k1, k2)) {
                awaitLoadBalancing(ha, k);
            }
            // Right after another change, Central plans on its read of a moment ago (KeaEngine.forPlanning); once that
            // read is older than ChangeEngine.RECENT_READ, it reads both servers first. Both cases are measured.
            keaChange(rpc, ha, k1, k2, newScope(a, rpc.range("10.250.0.0/24"), "10.250.0.10", "10.250.0.200"),
                    "right after another change");
            Thread.sleep(ChangeEngine.RECENT_READ.plusSeconds(1).toMillis()); // lets Central's last read age; no state to poll
            keaChange(rpc, ha, k1, k2, newScope(a, rpc.range("10.249.0.0/24"), "10.249.0.10", "10.249.0.200"),
                    "last read over " + ChangeEngine.RECENT_READ.toSeconds() + " s old");
        }
    }

    /** One AddDHCPScope through Central, timed, then the servers' own time for the same change. */
    private static void keaChange(Rpc rpc, KeaHaActions ha, KeaClient k1, KeaClient k2, String scope, String when)
            throws java.io.IOException {
        JsonNode before1 = JSON.readTree(config(k1).json());
        JsonNode before2 = JSON.readTree(config(k2).json());

        long t0 = System.nanoTime();
        rpc.call("AddDHCPScope", scope);
        long tandem = System.nanoTime() - t0;
        JsonNode after1 = JSON.readTree(config(k1).json());
        JsonNode after2 = JSON.readTree(config(k2).json());
        for (KeaClient k : List.of(k1, k2)) {
            awaitLoadBalancing(ha, k);
        }

        // Back to the old configs (not timed), then the servers' own time for the same change.
        for (var step : List.of(new Object[] {k2, before2}, new Object[] {k1, before1})) {
            ((KeaClient) step[0]).ok("config-set", (JsonNode) step[1], false);
            awaitLoadBalancing(ha, (KeaClient) step[0]);
        }
        long servers = 0;
        for (var step : List.of(new Object[] {k2, after2}, new Object[] {k1, after1})) {
            KeaClient k = (KeaClient) step[0];
            JsonNode cfg = (JsonNode) step[1];
            long s0 = System.nanoTime();
            k.ok("config-test", cfg, false);
            k.ok("config-set", cfg, false);
            k.call("config-write", null);
            awaitLoadBalancing(ha, k);
            servers += System.nanoTime() - s0;
        }
        report("Kea HA pair, " + SCOPES + " subnets each, " + when, "AddDHCPScope on an HA server", tandem, servers);
    }

    private static void awaitLoadBalancing(KeaHaActions ha, KeaClient k) {
        ha.await(k, "load-balancing", st -> st.localState().equals("load-balancing"), DEADLINE, Duration.ofMillis(100));
    }

    private static KeaConfig config(KeaClient k) {
        KeaClient.Streamed<KeaConfig> s = k.call("config-get", null, p -> KeaConfig.fromKea(p, Instant.now()));
        s.envelope().requireSuccess(false);
        return s.value();
    }

    /** AddDHCPScope's parameters for a scope with one pool. */
    private static String newScope(String serverRef, String rangeRef, String from, String to) {
        return "{\"dhcpScope\":{\"rangeRef\":\"" + rangeRef + "\",\"dhcpServerRef\":\"" + serverRef + "\"},"
                + "\"dhcpAddressPools\":[{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}]}";
    }

    private static long id(String ref) {
        return Long.parseLong(ref.substring(ref.indexOf('/') + 1));
    }

    // ------------------------------------------------------------------ common

    /**
     * One change through the same commands before measuring, as a Central that has been running
     * would have made: the first change of a fresh JVM runs the parser and checks interpreted.
     */
    private static void warmUp(Rpc rpc, String serverRef, String relationship, String subnet) {
        String first = subnet.substring(0, subnet.lastIndexOf('.'));
        String scope = rpc.scope(serverRef, subnet, first + ".10", first + ".20");
        String params = "{\"dhcpServerRef\":\"" + serverRef + "\",\"dhcpFailoverRelationshipName\":\"" + relationship
                + "\",\"dhcpScopeRefs\":[\"" + scope + "\"]";
        rpc.call("AddDHCPScopesToDHCPFailoverRelationship", params + "}");
        rpc.call("RemoveDHCPScopesFromDHCPFailoverRelationship", params + "}");
    }

    private static void report(String what, String command, long tandemNanos, long serverNanos) {
        System.out.printf("%s: Tandem %s %.2f s, servers' own time %.2f s, ratio %.2f%n", what, command,
                tandemNanos / 1e9, serverNanos / 1e9, (double) tandemNanos / serverNanos);
    }

    /** JSON-RPC calls as the administrator. */
    private static final class Rpc {
        private final TestCentral central;
        private final String session;
        private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();

        Rpc(TestCentral central) {
            this.central = central;
            this.session = central.login("administrator", TestCentral.ADMIN_PASSWORD);
        }

        JsonNode call(String method, String params) {
            // TestCentral's own client gives up after 20 s; a change on 2,000-subnet configs may take longer.
            JsonNode answer;
            try {
                java.net.http.HttpResponse<String> r = http.send(java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(central.base() + "/mmws/json")).timeout(Duration.ofMinutes(10))
                        .header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                                + "\",\"params\":{\"session\":\"" + session + "\"," + params.substring(1) + "}"))
                        .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
                answer = JSON.readTree(r.body());
            } catch (java.io.IOException | InterruptedException e) {
                throw new IllegalStateException(method + " failed: " + e, e);
            }
            if (answer.has("error")) {
                throw new IllegalStateException(method + " failed: " + answer.path("error"));
            }
            return answer.path("result");
        }

        String range(String subnet) {
            return call("AddRange", "{\"range\":{\"name\":\"bench-" + subnet.replace('/', '-') + "\",\"subnet\":\"" + subnet + "\"}}")
                    .path("ref").asText();
        }

        String scope(String serverRef, String subnet, String from, String to) {
            String range = range(subnet);
            String scope = call("AddDHCPScope", "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + serverRef + "\"}}")
                    .path("ref").asText();
            call("AddDHCPAddressPool", "{\"dhcpScopeRef\":\"" + scope + "\",\"dhcpAddressPool\":{\"from\":\"" + from + "\",\"to\":\"" + to + "\"}}");
            return scope;
        }
    }
}
