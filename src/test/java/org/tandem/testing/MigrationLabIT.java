package org.tandem.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.agent.AgentApi;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.kea.client.KeaResponse;
import org.tandem.lab.DhcpdLab;
import org.tandem.omapi.FailoverStatus;
import org.tandem.omapi.OmapiClient;

/**
 * The migration lab as its users meet it: a dhcpd failover pair that answers perfdhcp and records leases on both
 * peers, a Kea pair beside it that Central can reach but that cannot serve while dhcpd holds the interface, gap
 * measurements that see an outage when there is one and none when one peer stops, Kea taking the link over once
 * dhcpd is gone, and nothing left behind. One lab for all, so the order matters: the last tests stop dhcpd for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationLabIT {

    private static final Logger log = LoggerFactory.getLogger(MigrationLabIT.class);
    private static final Duration STATE_DEADLINE = Duration.ofSeconds(90);
    private static MigrationLab lab;

    @BeforeAll
    static void startLab() throws Exception {
        RealServers.assumeDhcpd();
        RealServers.assumeKea();
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/perfdhcp")) || "true".equals(System.getenv("CI")),
                "needs perfdhcp (Kea's packages, scripts/install-deps)");
        lab = MigrationLab.start();
    }

    @AfterAll
    static void stopLab() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    @Order(1)
    void start_dhcpdPeersNormal_keaPairLoadBalancingWithoutSubnets_agentsReachedFromRootNamespace() throws Exception {
        for (DhcpdLab.Server s : lab.dhcpd().servers()) {
            try (OmapiClient c = lab.dhcpd().omapi(s)) {
                FailoverStatus st = c.failoverState(MigrationLab.RELATIONSHIP);
                assertThat(st.localState()).isEqualTo(DhcpdFailoverState.NORMAL);
                assertThat(st.partnerState()).isEqualTo(DhcpdFailoverState.NORMAL);
            }
            assertThat(lab.agent(s).readConfig().content()).contains("failover peer \"" + MigrationLab.RELATIONSHIP + "\"")
                    .contains("fixed-address " + lab.dhcpd().subnetPrefix() + ".5;");
        }
        // This JVM runs in the root namespace: the ha-heartbeat below crosses the bridge to each namespace's agent.
        lab.awaitKeaHaState("load-balancing", Duration.ofSeconds(10));
        for (int i = 0; i < 2; i++) {
            assertThat(lab.kea().node(i).agentUrl().getHost()).isEqualTo(lab.dhcpd().servers().get(i).address());
            assertThat(lab.keaConfig(i).path("Dhcp4").path("subnet4")).isEmpty();
        }
        assertThat(run("ip", "netns", "list")).contains(lab.clientNamespace());
    }

    @Test
    @Order(2)
    void kea_whileDhcpdRunsInItsNamespace_cannotOpenItsDhcpSocket() throws Exception {
        for (int i = 0; i < 2; i++) {
            assertThat(lab.keaListening(i)).as("kea-dhcp4 %d holds port 67", i).isFalse();
            assertThat(Files.readString(lab.keaLog(i)))
                    .contains("DHCPSRV_OPEN_SOCKET_FAIL")
                    .contains("failed to bind fallback socket to address " + lab.dhcpd().servers().get(i).address()
                            + ", port 67, reason: Address already in use");
        }
    }

    @Test
    @Order(3)
    void dhcpdPair_answersPerfdhcp_andBothPeersRecordTheLeases() throws Exception {
        PerfdhcpRun run = lab.perfdhcp(Duration.ofSeconds(5), 20, 40).awaitEnd();

        PerfdhcpRun.Counters discovers = run.counters("DISCOVER-OFFER");
        log.info("dhcpd pair: {} answers, {}, longest gap {}", run.answers().size(), run.counters(),
                run.longestGap(run.origin(), run.end()));
        assertThat(run.answers()).isNotEmpty();
        assertThat(discovers.received()).isGreaterThanOrEqualTo(discovers.sent() * 9 / 10);
        assertThat(run.longestGap(run.origin(), run.end())).isLessThan(Duration.ofSeconds(1));
        for (DhcpdLab.Server s : lab.dhcpd().servers()) {
            AgentApi.LeasesView leases = poll(() -> lab.agent(s).leases(),
                    l -> l.leases().stream().anyMatch(x -> "active".equals(x.bindingState()) && x.hardware() != null
                            && x.hardware().contains("00:0c:01:02:03")));
            assertThat(leases.leases()).as("active perfdhcp leases in %s", leases.path())
                    .anyMatch(x -> "active".equals(x.bindingState()) && x.hardware().contains("00:0c:01:02:03"));
        }
    }

    @Test
    @Order(4)
    void createLeases_leavesThatManyActiveLeasesInBothPeers() throws Exception {
        int held = lab.createLeases(60);

        assertThat(held).isGreaterThanOrEqualTo(60);
        assertThat(lab.activeLeases(lab.dhcpd().primary())).isGreaterThanOrEqualTo(60);
        assertThat(lab.activeLeases(lab.dhcpd().secondary())).isGreaterThanOrEqualTo(60);
    }

    @Test
    @Order(5)
    void stoppingOneDhcpdPeer_theOtherAnswersEveryClientAtOnce() throws Exception {
        DhcpdLab.Server b = lab.dhcpd().secondary();
        PerfdhcpRun run = lab.perfdhcp(Duration.ofSeconds(12), 20, 60);
        Thread.sleep(4000); // let perfdhcp run under the healthy pair first
        Instant stop = Instant.now();
        lab.dhcpd().stopDhcpd(b);
        run.awaitEnd();

        Duration gap = run.longestGap(stop.minusSeconds(1), stop.plusSeconds(4));
        int unanswered = run.unansweredDiscovers(stop, stop.plusSeconds(4));
        log.info("one dhcpd peer stopped: longest gap {} around the stop, {} DISCOVERs unanswered in the 4 s after, {}",
                gap, unanswered, run.counters());
        assertThat(gap).isLessThan(Duration.ofSeconds(1));
        assertThat(unanswered).isLessThanOrEqualTo(2);

        lab.dhcpd().startDhcpd(b);
        lab.dhcpd().awaitNormal(lab.dhcpd().primary(), MigrationLab.RELATIONSHIP, STATE_DEADLINE);
        lab.dhcpd().awaitNormal(b, MigrationLab.RELATIONSHIP, STATE_DEADLINE);
    }

    @Test
    @Order(6)
    void stoppingBothDhcpdForThreeSeconds_showsAGapOfAtLeastTwoAndAHalfSeconds() throws Exception {
        PerfdhcpRun run = lab.perfdhcp(Duration.ofSeconds(12), 20, 60);
        Thread.sleep(3000);
        Instant stopping = Instant.now();
        for (DhcpdLab.Server s : lab.dhcpd().servers()) {
            lab.dhcpd().stopDhcpd(s);
        }
        Instant down = Instant.now(); // stopDhcpd returns once the process is gone
        Thread.sleep(3000); // the outage being measured
        Instant restarting = Instant.now();
        for (DhcpdLab.Server s : lab.dhcpd().servers()) {
            lab.dhcpd().startDhcpd(s);
        }
        Instant up = Instant.now();
        run.awaitEnd();

        Duration gap = run.longestGap(down, restarting);
        Instant firstAfter = run.answers().stream().filter(a -> a.isAfter(restarting)).findFirst().orElse(null);
        log.info("both dhcpd: stopping took {} ms, down for {} ms, restart took {} ms; longest gap {}, first answer {} ms after"
                        + " the restart began, {}", Duration.between(stopping, down).toMillis(), Duration.between(down, restarting).toMillis(),
                Duration.between(restarting, up).toMillis(), gap,
                firstAfter == null ? "never" : Duration.between(restarting, firstAfter).toMillis(), run.counters());
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(2500));
        assertThat(run.longestGap(run.origin(), stopping.minusMillis(500))).isLessThan(Duration.ofSeconds(1));
        assertThat(run.unansweredDiscovers(down.plusMillis(200), down.plusMillis(2700))).isGreaterThanOrEqualTo(40);

        lab.dhcpd().awaitNormal(lab.dhcpd().primary(), MigrationLab.RELATIONSHIP, STATE_DEADLINE);
        lab.dhcpd().awaitNormal(lab.dhcpd().secondary(), MigrationLab.RELATIONSHIP, STATE_DEADLINE);
    }

    @Test
    @Order(7)
    void afterDhcpdStops_configSetOpensKeasSocket_gatesKeepItSilent_openSubnetIsAnswered() throws Exception {
        for (DhcpdLab.Server s : lab.dhcpd().servers()) {
            lab.dhcpd().stopDhcpd(s);
        }
        // Kea tried its socket once at start and gives up; a reload (or any config-set) tries again.
        assertThat(lab.keaListening(0)).isFalse();
        lab.keaClient(0).ok("config-reload", null, false);
        assertThat(lab.keaListening(0)).isTrue();
        assertThat(lab.keaListening(1)).isFalse();

        // A subnet behind a class that never matches: no OFFERs (REQUESTs without server id would be NAKed; see MigrationLab).
        setBoth(d -> {
            addLinkSubnet(d, "MIGRATION_GATE");
            d.putArray("client-classes").addObject().put("name", "MIGRATION_GATE").put("test", "'a' == 'b'");
        });
        assertThat(lab.keaListening(0)).isTrue();
        assertThat(lab.keaListening(1)).isTrue();
        assertThat(lab.perfdhcp(Duration.ofSeconds(3), 20, 40).awaitEnd().answers()).as("answers behind the class gate").isEmpty();

        ObjectNode undefined = lab.keaConfig(0);
        ((ObjectNode) undefined.get("Dhcp4")).putArray("subnet4");
        addLinkSubnet((ObjectNode) undefined.get("Dhcp4"), "NO_SUCH_CLASS");
        ((ObjectNode) undefined.get("Dhcp4")).putArray("client-classes");
        KeaResponse test = lab.keaClient(0).call("config-test", undefined);
        assertThat(test.code()).as("config-test of a subnet naming an undefined class: %s", test.text()).isZero();

        // The special class DROP on the interface: nothing at all is answered.
        setBoth(d -> {
            addLinkSubnet(d, null);
            d.putArray("client-classes").addObject().put("name", "DROP")
                    .put("test", "pkt.iface == '" + d.path("interfaces-config").path("interfaces").get(0).asText() + "'");
        });
        assertThat(lab.perfdhcp(Duration.ofSeconds(3), 20, 40).awaitEnd().answers()).as("answers behind the DROP gate").isEmpty();

        setBoth(d -> {
            addLinkSubnet(d, null);
            d.putArray("client-classes");
        });
        PerfdhcpRun open = lab.perfdhcp(Duration.ofSeconds(4), 20, 40).awaitEnd();
        log.info("Kea pair open: {} answers, {}, longest gap {}", open.answers().size(), open.counters(),
                open.longestGap(open.origin(), open.end()));
        PerfdhcpRun.Counters discovers = open.counters("DISCOVER-OFFER");
        assertThat(discovers.received()).isGreaterThanOrEqualTo(discovers.sent() * 9 / 10);
    }

    @Test
    @Order(8)
    void close_leavesNoNamespaceLinkOrProcess() throws Exception {
        List<String> namespaces = new ArrayList<>(lab.dhcpd().servers().stream().map(DhcpdLab.Server::namespace).toList());
        namespaces.add(lab.clientNamespace());
        List<Long> pids = new ArrayList<>();
        for (String ns : namespaces) {
            for (String pid : run("ip", "netns", "pids", ns).split("\\s+")) {
                if (!pid.isBlank()) {
                    pids.add(Long.parseLong(pid));
                }
            }
        }
        pids.add(lab.kea().node(0).dhcpPid());
        pids.add(lab.kea().node(1).dhcpPid());
        List<String> links = new ArrayList<>(lab.dhcpd().rootLinks());
        Path keaDir = lab.kea().dir();
        Path labDir = lab.dir();
        Path dhcpdDir = lab.dhcpd().dir();

        lab.close();

        String netns = run("ip", "netns", "list");
        String linkList = run("ip", "-o", "link", "show");
        for (String ns : namespaces) {
            assertThat(netns).doesNotContain(ns);
        }
        for (String l : links) {
            assertThat(linkList).doesNotContain(" " + l + ":").doesNotContain(" " + l + "@");
        }
        assertThat(linkList).doesNotContain(" tmc-" + lab.clientInterface().substring(4));
        assertThat(pids).isNotEmpty().allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false))
                .as("process %d still alive", pid).isFalse());
        assertThat(keaDir).doesNotExist();
        assertThat(labDir).doesNotExist();
        assertThat(dhcpdDir).doesNotExist();
    }

    /** Applies {@code edit} to each Kea node's running Dhcp4 config (subnets cleared first), sets it, and waits for HA. */
    private static void setBoth(Consumer<ObjectNode> edit) throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            ObjectNode config = lab.keaConfig(i);
            ObjectNode d = (ObjectNode) config.get("Dhcp4");
            d.putArray("subnet4");
            edit.accept(d);
            lab.keaConfigSet(i, config);
        }
        lab.awaitKeaHaState("load-balancing", STATE_DEADLINE);
    }

    /** The link subnet as a migration would write it for Kea: one pool per HA scope, the dhcpd options. */
    private static void addLinkSubnet(ObjectNode dhcp4, String clientClass) {
        String p = lab.dhcpd().subnetPrefix();
        ObjectNode s = ((ArrayNode) dhcp4.get("subnet4")).addObject();
        s.put("id", 1);
        s.put("subnet", lab.linkSubnet());
        if (clientClass != null) {
            s.put("client-class", clientClass);
        }
        ArrayNode pools = s.putArray("pools");
        pools.addObject().put("pool", p + ".10 - " + p + ".124").put("client-class", "HA_server1");
        pools.addObject().put("pool", p + ".125 - " + p + ".239").put("client-class", "HA_server2");
        ArrayNode options = s.putArray("option-data");
        options.addObject().put("name", "routers").put("data", p + ".254");
        options.addObject().put("name", "domain-name-servers").put("data", p + ".253");
        options.addObject().put("name", "domain-name").put("data", "migration.lab.example");
    }

    private static <T> T poll(java.util.function.Supplier<T> read, java.util.function.Predicate<T> until) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(20);
        T last = read.get();
        while (!until.test(last) && Instant.now().isBefore(end)) {
            Thread.sleep(250); // the peer writes the binding update on its own schedule; polled with a deadline
            last = read.get();
        }
        return last;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish");
        }
        return new String(out);
    }
}
