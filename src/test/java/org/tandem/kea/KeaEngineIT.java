package org.tandem.kea;

import org.tandem.servers.ServerType;
import org.tandem.servers.DhcpServer;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverReader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.kea.ha.InMemoryKeaHaStateLog;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.kea.ha.KeaHaStatus;
import org.tandem.kea.ha.KeaHaStatusPuller;
import org.tandem.kea.ha.KeaLease;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * The engine against a real Kea 2.2 pair started by KeaLab. One pair is shared and the tests run in order, as an
 * administrator's session would: import two plain servers, survive an external change, make them a hot-standby pair,
 * change scopes without an outage, run every HA action, switch to load-balancing, lose a peer, remove the pair.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeaEngineIT {

    private static final Duration HA_DEADLINE = Duration.ofSeconds(45);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KeaLab lab;
    private static KeaClient s1;
    private static KeaClient s2;
    private static KeaEngine engine;
    private static KeaHaActions actions;

    @BeforeAll
    static void startPair() throws Exception {
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE));
        s1 = new KeaClient("server1", lab.node(0).agentEndpoint());
        s2 = new KeaClient("server2", lab.node(1).agentEndpoint());
        engine = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null);
        actions = engine.actions();
    }

    @AfterAll
    static void stopPair() {
        if (lab != null) {
            lab.close();
        }
    }

    private static KeaSubnet subnet(long id, String cidr) {
        Ipv4Range r = Ipv4Range.parseCidr("subnet", cidr);
        long last = Math.min(100, r.size() - 2);
        return KeaSubnet.of(id, r, List.of(KeaPool.of(new Ipv4Range(r.first().plus(1), r.first().plus(last)))));
    }

    private static JsonNode liveDhcp4(KeaClient c) {
        return c.ok("config-get", null, false).arguments().get("Dhcp4");
    }

    private static void awaitBoth(String what, java.util.function.Predicate<KeaHaStatus> p) {
        actions.await(s1, what, p, HA_DEADLINE, POLL);
        actions.await(s2, what, p, HA_DEADLINE, POLL);
    }

    @Test
    @Order(1)
    void sync_importsSubnetsWithIds_andUnixSocketSeesTheSameConfig() {
        KeaConfig c = engine.sync(s1);
        assertThat(c.subnetCount()).isEqualTo(1);
        KeaSubnet s = c.subnets().get(0);
        assertThat(s.id()).isEqualTo(1);
        assertThat(s.subnet().toString()).isEqualTo("192.0.2.0/24");
        assertThat(s.options()).extracting(o -> o.name()).containsExactly("routers");
        assertThat(c.ha()).isEmpty();
        KeaConfig viaSocket = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null)
                .sync(new KeaClient("server1", lab.node(0).socketEndpoint()));
        assertThat(viaSocket.hash()).isEqualTo(c.hash());
        assertThat(engine.changedOutside(s1)).isFalse();
    }

    @Test
    @Order(2)
    void addSubnet_roundTrip_keepsEveryOtherKeyAsKeaHadIt() {
        JsonNode before = liveDhcp4(s1);
        KeaApplyReport report = engine.apply(engine.plan(s1, KeaEdit.addSubnet(subnet(20, "10.20.0.0/24"))));
        assertThat(report.persisted()).isTrue();
        JsonNode after = liveDhcp4(s1);
        ObjectNode afterWithoutNew = after.deepCopy();
        ArrayNode subnets = (ArrayNode) afterWithoutNew.get("subnet4");
        JsonNode added = null;
        for (int i = 0; i < subnets.size(); i++) {
            if (subnets.get(i).path("subnet").asText().equals("10.20.0.0/24")) {
                added = subnets.remove(i);
                break;
            }
        }
        assertThat(added).isNotNull();
        assertThat(added.path("id").asLong()).isEqualTo(20);
        assertThat(afterWithoutNew).isEqualTo(before);
        // config-write put it in the file too
        assertThat(lab.node(0).configFile()).content().contains("10.20.0.0/24");
    }

    @Test
    @Order(3)
    void externalChange_isDetected_andAConflictingScopeIsRefusedWithTheSeedMessage() throws Exception {
        KeaPlan stalePlan = engine.plan(s1, KeaEdit.addSubnet(subnet(30, "1.3.3.0/29")));
        // An administrator edits the file by hand and runs config-reload (seed 004).
        ObjectNode file = (ObjectNode) JSON.readTree(lab.node(0).configFile().toFile());
        ObjectNode ext = ((ArrayNode) file.get("Dhcp4").get("subnet4")).addObject();
        ext.put("id", 31);
        ext.put("subnet", "1.3.3.0/29");
        Files.writeString(lab.node(0).configFile(), JSON.writeValueAsString(file));
        s1.ok("config-reload", null, false);

        assertThat(engine.changedOutside(s1)).isTrue();
        String liveBefore = liveDhcp4(s1).toString();
        assertThatThrownBy(() -> engine.apply(stalePlan)).isInstanceOf(UserError.class)
                .hasMessage("A scope with address \"1.3.3.0\" already exists on the server");
        assertThat(liveDhcp4(s1).toString()).isEqualTo(liveBefore);
        // the refusal re-synced: the external scope is known now
        assertThat(engine.lastSynced(s1).subnetWithPrefix(Ipv4Range.parseCidr("s", "1.3.3.0/29"))).isPresent();
        assertThat(engine.changedOutside(s1)).isFalse();
    }

    @Test
    @Order(4)
    void externalChange_thatDoesNotConflict_isKeptAlongsideOurs() throws Exception {
        KeaPlan stalePlan = engine.plan(s1, KeaEdit.addSubnet(subnet(40, "10.40.0.0/24")));
        ObjectNode file = (ObjectNode) JSON.readTree(lab.node(0).configFile().toFile());
        ((ArrayNode) file.get("Dhcp4").get("subnet4")).addObject().put("id", 41).put("subnet", "10.41.0.0/24");
        Files.writeString(lab.node(0).configFile(), JSON.writeValueAsString(file));
        engine.reload(s1);
        engine.apply(stalePlan);
        List<String> prefixes = engine.sync(s1).subnets().stream().map(s -> s.subnet().toString()).toList();
        assertThat(prefixes).contains("10.40.0.0/24", "10.41.0.0/24", "1.3.3.0/29");
    }

    @Test
    @Order(5)
    void overlappingScope_isRefused_thoughKea22WouldAcceptIt() {
        assertThatThrownBy(() -> engine.plan(s1, KeaEdit.addSubnet(subnet(50, "10.20.0.128/25"))))
                .isInstanceOf(UserError.class).hasMessageContaining("overlaps the scope 10.20.0.0/24");
    }

    @Test
    @Order(10)
    void createHa_hotStandby_reachesHotStandbyWithIdenticalScopes() {
        engine.sync(s2);
        KeaHaSpec spec = KeaHaSpec.defaults(KeaHaConfig.Mode.HOT_STANDBY).withTimers(1000, 3000, 1000, 0);
        KeaPairPlan plan = engine.planCreateHa(s1, s2, spec);
        assertThat(plan.secondary().diff()).contains("libdhcp_ha.so").contains("10.20.0.0/24");
        engine.apply(plan);
        awaitBoth("hot-standby", s -> "hot-standby".equals(s.localState()));
        assertThat(actions.status(s1).localScopes()).containsExactly("server1");
        assertThat(engine.sync(s1).subnets()).containsExactlyInAnyOrderElementsOf(engine.sync(s2).subnets());
        DhcpServer one = new DhcpServer(1, "server1", ServerType.Kea, "127.0.0.1", 8000, null, null, null, false, "OK", null);
        DhcpServer two = new DhcpServer(2, "server2", ServerType.Kea, "127.0.0.1", 8000, null, null, null, false, "OK", null);
        assertThat(FailoverReader.kea(two, FailoverReader.KeaView.of(engine.sync(s2)), one, FailoverReader.KeaView.of(engine.sync(s1)))).hasValueSatisfying(r -> {
            assertThat(r.settings().primaryServerId()).isEqualTo(1);
            assertThat(r.settings().secondaryServerId()).isEqualTo(2);
            assertThat(r.settings().failoverMode()).isEqualTo(FailoverRelationship.Mode.HotStandby);
            assertThat(r.subnets()).contains(Ipv4Range.parseCidr("subnet", "10.20.0.0/24"));
        });
    }

    @Test
    @Order(11)
    void scopeChange_onHotStandbyPair_standbyFirstThenHandOver_andSomeoneServesThroughout() throws Exception {
        List<KeaApplyReport> report = new ArrayList<>();
        List<String> unserved = unservedDuring(List.of("server1"), () -> {
            long id = engine.nextSubnetId(s1, s2);
            report.add(engine.apply(engine.planPair(s1, s2, KeaEdit.addSubnet(subnet(id, "10.60.0.0/24")))));
        });
        assertThat(report.get(0).steps()).containsSubsequence("config-set on server2", "ha-scopes [server1] on server2",
                "config-set on server1", "ha-scopes [] on server2");
        assertThat(unserved).as("samples where no server served a scope").isEmpty();
        assertThat(engine.sync(s1).subnets()).containsExactlyInAnyOrderElementsOf(engine.sync(s2).subnets());
    }

    /** Runs {@code change} while sampling both servers every 100 ms; returns the samples where a scope had no server. */
    private static List<String> unservedDuring(List<String> scopes, Runnable change) throws InterruptedException {
        List<String> unserved = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            // Bounded: at most 3000 samples (5 minutes at 100 ms).
            for (int i = 0; i < 3000 && sampling.get(); i++) {
                KeaHaStatus a = safeStatus(s1);
                KeaHaStatus b = safeStatus(s2);
                for (String scope : scopes) {
                    boolean served = (KeaHaStatus.SERVING.contains(a.localState()) && a.localScopes().contains(scope))
                            || (KeaHaStatus.SERVING.contains(b.localState()) && b.localScopes().contains(scope));
                    if (!served) {
                        unserved.add(scope + " at " + a.localState() + a.localScopes() + "/" + b.localState() + b.localScopes());
                    }
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.start();
        try {
            change.run();
        } finally {
            sampling.set(false);
            sampler.join();
        }
        return unserved;
    }

    private static KeaHaStatus safeStatus(KeaClient c) {
        try {
            return actions.status(c);
        } catch (UserError e) {
            return KeaHaStatus.unavailable(c.server());
        }
    }

    @Test
    @Order(12)
    void pairPlan_withScopesDifferingBetweenPeers_isRefused() {
        KeaPairPlan plan = new KeaPairPlan(engine.plan(s1, KeaEdit.addSubnet(subnet(70, "10.70.0.0/24"))),
                engine.plan(s2, KeaEdit.none()), true);
        assertThatThrownBy(() -> engine.apply(plan)).isInstanceOf(UserError.class)
                .hasMessageContaining("would not have identical scopes").hasMessageContaining("10.70.0.0/24");
        assertThat(engine.sync(s1).subnetWithPrefix(Ipv4Range.parseCidr("s", "10.70.0.0/24"))).isEmpty();
    }

    @Test
    @Order(20)
    void haActions_eachDoesWhatItSays() {
        assertThat(actions.heartbeat(s1).state()).isEqualTo("hot-standby");
        assertThat(actions.heartbeat(s1).scopes()).containsExactly("server1");
        // ha-scopes with the empty list stops serving; with its own name it serves again
        actions.scopes(s1, List.of());
        assertThat(actions.status(s1).localScopes()).isEmpty();
        actions.scopes(s1, List.of("server1"));
        assertThat(actions.status(s1).localScopes()).containsExactly("server1");
        assertThat(actions.continueStateMachine(s1)).containsIgnoringCase("not paused");
        assertThat(actions.dhcpDisable(s2, 5)).contains("disabled");
        assertThat(actions.dhcpEnable(s2)).containsIgnoringCase("enabled");

        // leases: HA does not replicate admin edits, so they go to both peers
        KeaLease lease = new KeaLease(Ipv4Address.parse("ip", "10.60.0.50"), "1a:1b:1c:1d:1e:1f", null,
                engine.lastSynced(s1).subnetWithPrefix(Ipv4Range.parseCidr("s", "10.60.0.0/24")).orElseThrow().id(), 3600, 0, "host-a", 0);
        actions.leaseAdd(List.of(s1, s2), lease);
        assertThat(actions.leaseGet(s2, lease.ipAddress())).isNotNull();
        assertThat(actions.allLeases(s1, 1, 10)).extracting(KeaLease::ipAddress).containsExactly(lease.ipAddress());
        actions.leaseUpdate(List.of(s1, s2), new KeaLease(lease.ipAddress(), lease.hwAddress(), null, lease.subnetId(), 7200, 0, "host-b", 0));
        assertThat(actions.leaseGet(s2, lease.ipAddress()).hostname()).isEqualTo("host-b");
        // ha-sync from the partner keeps the lease (it is on both)
        assertThat(actions.sync(s1, "server2", 10)).containsIgnoringCase("complete");
        actions.leaseDelete(List.of(s1, s2), lease.ipAddress());
        assertThat(actions.leaseGet(s1, lease.ipAddress())).isNull();
        assertThat(actions.leaseGet(s2, lease.ipAddress())).isNull();

        // maintenance: the standby takes over, then both return
        assertThat(actions.maintenanceStart(s2)).contains("partner-in-maintenance");
        assertThat(actions.status(s1).localState()).isEqualTo("in-maintenance");
        assertThat(actions.status(s2).localScopes()).containsExactly("server1");
        actions.maintenanceCancel(s2);
        awaitBoth("hot-standby", s -> "hot-standby".equals(s.localState()));

        // ha-reset sends the server back to waiting; it finds its way back
        assertThat(actions.reset(s2)).containsIgnoringCase("reset");
        awaitBoth("hot-standby", s -> "hot-standby".equals(s.localState()));
    }

    @Test
    @Order(30)
    void modifyHa_toLoadBalancing_reachesLoadBalancingWithSplitPools() {
        KeaHaSpec spec = KeaHaSpec.defaults(KeaHaConfig.Mode.LOAD_BALANCING).withTimers(1000, 3000, 1000, 0);
        engine.apply(engine.planModifyHa(s1, s2, spec));
        awaitBoth("load-balancing", s -> "load-balancing".equals(s.localState()));
        assertThat(actions.status(s1).localScopes()).containsExactly("server1");
        assertThat(actions.status(s2).localScopes()).containsExactly("server2");
        KeaSubnet first = engine.sync(s1).subnets().get(0);
        assertThat(first.pools()).extracting(KeaPool::clientClass).containsExactly("HA_server1", "HA_server2");
        assertThat(engine.sync(s1).subnets()).containsExactlyInAnyOrderElementsOf(engine.sync(s2).subnets());
    }

    @Test
    @Order(31)
    void scopeChange_onLoadBalancingPair_keepsBothScopesServed() throws Exception {
        List<KeaApplyReport> report = new ArrayList<>();
        List<String> unserved = unservedDuring(List.of("server1", "server2"), () -> {
            long id = engine.nextSubnetId(s1, s2);
            KeaSubnet s = subnet(id, "10.80.0.0/24");
            KeaSubnet split = s.withPools(List.of(new KeaPool(new Ipv4Range(s.subnet().first().plus(1), s.subnet().first().plus(50)), "HA_server1"),
                    new KeaPool(new Ipv4Range(s.subnet().first().plus(51), s.subnet().first().plus(100)), "HA_server2")));
            report.add(engine.apply(engine.planPair(s1, s2, KeaEdit.addSubnet(split))));
        });
        assertThat(report.get(0).steps()).containsSubsequence("ha-scopes [server1, server2] on server1", "config-set on server2",
                "ha-scopes [server1] on server1", "ha-scopes [server2, server1] on server2", "config-set on server1", "ha-scopes [server2] on server2");
        assertThat(unserved).as("samples where no server served a scope").isEmpty();
        awaitBoth("load-balancing", st -> "load-balancing".equals(st.localState()));
    }

    @Test
    @Order(40)
    void peerKilled_survivorReachesPartnerDown_andThePullerRecordsTheFailover() throws Exception {
        InMemoryKeaHaStateLog log = new InMemoryKeaHaStateLog();
        KeaHaStatusPuller puller = new KeaHaStatusPuller(List.of(s1, s2), log, Clock.systemUTC());
        puller.run();
        assertThat(log.latest("server1").orElseThrow().localState()).isEqualTo("load-balancing");
        lab.node(1).killDhcp();
        actions.await(s1, "partner-down", s -> "partner-down".equals(s.localState()), HA_DEADLINE, POLL);
        puller.run();
        assertThat(log.latest("server2").orElseThrow().localState()).isEqualTo("unavailable");
        assertThat(log.lastFailover("server1")).isPresent();
        assertThat(actions.status(s1).localScopes()).containsExactlyInAnyOrder("server1", "server2");

        lab.node(1).startDhcp();
        awaitBoth("load-balancing", s -> "load-balancing".equals(s.localState()));
        puller.run();
        assertThat(log.changes()).extracting(c -> c.server() + ":" + c.to())
                .containsSubsequence("server1:load-balancing", "server1:partner-down", "server1:load-balancing");
    }

    @Test
    @Order(50)
    void removeHa_withDelete_unloadsHaAndDeletesTheSecondarysScopes() {
        engine.apply(engine.planRemoveHa(s1, s2, Deconfigure.DELETE));
        assertThat(engine.sync(s1).ha()).isEmpty();
        assertThat(engine.sync(s2).ha()).isEmpty();
        assertThat(engine.lastSynced(s2).subnetCount()).isZero();
        assertThat(engine.lastSynced(s1).subnets()).allSatisfy(s -> assertThat(s.pools()).allSatisfy(p -> assertThat(p.clientClass()).isNull()));
        assertThat(actions.status(s1).localState()).isEqualTo("no-ha");
    }

}
