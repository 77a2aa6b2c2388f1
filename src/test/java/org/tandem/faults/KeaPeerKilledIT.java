package org.tandem.faults;


import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.kea.client.KeaClient;
import org.tandem.lab.KeaLab;
import org.tandem.servers.DhcpServer;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * One peer of a real Kea 2.2 load-balancing pair (KeaLab, loopback; heartbeat 1 s, max-response-delay
 * 2 s, max-unacked-clients 0) killed with SIGKILL: the survivor's {@code partner-down} shows in the API
 * and on its Failover management page within two state polling intervals of Kea reporting it; the
 * peer started again: {@code load-balancing} on both shows again.
 */
class KeaPeerKilledIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private static KeaLab lab;
    private static LiveStateWatch watch;
    private static DhcpServer survivor;
    private static DhcpServer killed;
    private static String relationship;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeKea();
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING));
        watch = new LiveStateWatch();
        survivor = watch.addServer("kea-1", "Kea", lab.node(0).agentUrl(), null);
        killed = watch.addServer("kea-2", "Kea", lab.node(1).agentUrl(), null);
        relationship = watch.awaitRelationship(survivor, DEADLINE);
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(watch, lab);
    }

    @Test
    void peerKilled_partnerDownShownWithinTwoPolls_peerBack_loadBalancingShownAgain() throws Exception {
        LiveStateWatch.firstSeen(DEADLINE, shown(List.of(0, 1), "load-balancing"));

        Instant kill = Instant.now();
        lab.node(1).killDhcp();
        Map<String, Instant> down = LiveStateWatch.firstSeen(DEADLINE, shown(List.of(0), "partner-down"));

        Instant restart = Instant.now();
        lab.node(1).startDhcp();
        Map<String, Instant> back = LiveStateWatch.firstSeen(DEADLINE, shown(List.of(0, 1), "load-balancing"));

        System.out.println("KeaPeerKilledIT (state poll every " + LiveStateWatch.POLL_INTERVAL.toMillis() + " ms, heartbeat "
                + lab.options().heartbeatDelayMs() + " ms, max-response-delay " + lab.options().maxResponseDelayMs() + " ms):\n"
                + "  peer killed:    " + LiveStateWatch.times(kill, down) + "\n  peer restarted: " + LiveStateWatch.times(restart, back));
        LiveStateWatch.assertShownWithinTwoPolls(List.of(down, back));
    }

    /** The given nodes report {@code state} in ha-heartbeat; the API and their pages show it for them. */
    private static Map<String, BooleanSupplier> shown(List<Integer> nodes, String state) {
        List<DhcpServer> servers = nodes.stream().map(i -> i == 0 ? survivor : killed).toList();
        Map<String, BooleanSupplier> c = new LinkedHashMap<>();
        c.put("servers", () -> nodes.stream().allMatch(i -> state.equals(new KeaClient(lab.node(i).name(), lab.node(i).agentEndpoint())
                .call("ha-heartbeat", null).arguments().path("state").asText())));
        c.put("api", () -> {
            Map<String, String> api = watch.apiStates(survivor, relationship);
            return servers.stream().allMatch(s -> state.equals(api.get(s.name())));
        });
        c.put("page", () -> servers.stream().allMatch(s -> watch.page(s).contains(">" + state + "<")));
        return c;
    }

}
