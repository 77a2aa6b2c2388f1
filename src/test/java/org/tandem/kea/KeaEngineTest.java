package org.tandem.kea;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.client.KeaProtocolError;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Range;
import org.tandem.testing.MutableClock;

/** The engine against fakes fed with captured Kea 2.2 answers: errors are clear and nothing is written. */
class KeaEngineTest {

    private final FakeKea fake = newFake();
    private final KeaEngine engine = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null);

    private static FakeKea newFake() {
        try {
            return new FakeKea()
                    .answerFile("version-get", "kea22-version-get.json")
                    .answerFile("config-get", "kea22-config-get-hot-standby.json");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    private KeaClient kea() {
        return new KeaClient("kea1", KeaEndpoint.ControlAgent.of(fake.url()));
    }

    private static KeaSubnet subnet(long id, String cidr) {
        Ipv4Range r = Ipv4Range.parseCidr("subnet", cidr);
        return KeaSubnet.of(id, r, List.of(KeaPool.of(new Ipv4Range(r.first().plus(10), r.first().plus(20)))));
    }

    @Test
    void sync_capturedHotStandbyConfig_indexesSubnetsAndHaBlock() {
        KeaConfig c = engine.sync(kea());
        assertThat(c.subnetCount()).isEqualTo(1);
        assertThat(c.subnets().get(0).subnet().toString()).isEqualTo("192.0.2.0/24");
        assertThat(c.ha().orElseThrow().mode()).isEqualTo(KeaHaConfig.Mode.HOT_STANDBY);
        assertThat(c.ha().orElseThrow().peers()).hasSize(2);
        assertThat(c.hash()).hasSize(64);
    }

    @Test
    void forPlanning_reusesAReadUpToTheRecentWindow_thenReadsAgain() {
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-02T08:00:00Z"));
        KeaEngine timed = new KeaEngine(new InMemoryKeaConfigStore(), clock, null);
        KeaClient k = kea();
        KeaConfig first = timed.sync(k);
        clock.advance(org.tandem.change.ChangeEngine.RECENT_READ);
        assertThat(timed.forPlanning(k)).isSameAs(first);
        assertThat(fake.commands().stream().filter("config-get"::equals)).hasSize(1);
        clock.advance(java.time.Duration.ofSeconds(1));
        assertThat(timed.forPlanning(k)).isNotSameAs(first);
        assertThat(fake.commands().stream().filter("config-get"::equals)).hasSize(2);
    }

    @Test
    void store_aReadThatFinishesLate_doesNotReplaceANewerOne() {
        InMemoryKeaConfigStore store = new InMemoryKeaConfigStore();
        MutableClock clock = new MutableClock(java.time.Instant.parse("2026-12-02T08:00:00Z"));
        KeaConfig older = new KeaEngine(store, clock, null).sync(kea());
        clock.advance(java.time.Duration.ofSeconds(2));
        KeaConfig newer = new KeaEngine(store, clock, null).sync(kea());
        store.saveSynced("kea1", older);
        assertThat(store.lastSynced("kea1")).containsSame(newer);
    }

    @Test
    void apply_whenConfigTestAnswerIsMalformed_writesNothing() {
        fake.answer("config-test", "[{\"result\":0,\"text\":\"ok\"},{\"result\":1}]");
        KeaClient k = kea();
        KeaPlan plan = engine.plan(k, KeaEdit.addSubnet(subnet(7, "10.7.0.0/24")));
        assertThatThrownBy(() -> engine.apply(plan)).isInstanceOf(KeaProtocolError.class).hasMessageContaining("more than one answer");
        assertThat(fake.commands()).doesNotContain("config-set", "config-write");
    }

    @Test
    void apply_whenConfigTestRefuses_writesNothingAndQuotesKea() {
        fake.answerFile("config-test", "kea22-config-test-spurious.json");
        KeaClient k = kea();
        KeaPlan plan = engine.plan(k, KeaEdit.addSubnet(subnet(7, "10.7.0.0/24")));
        assertThatThrownBy(() -> engine.apply(plan)).isInstanceOf(UserError.class)
                .hasMessageContaining("refused 'config-test'").hasMessageContaining("unsupported global configuration parameter");
        assertThat(fake.commands()).doesNotContain("config-set");
    }

    @Test
    void apply_whenConfigGetAnswerBecomesMalformed_writesNothing() {
        KeaClient k = kea();
        KeaPlan plan = engine.plan(k, KeaEdit.addSubnet(subnet(7, "10.7.0.0/24")));
        fake.answer("config-get", "[{\"result\":0,\"arguments\":{\"Dhcp4\":{\"subnet4\":[{\"id\":1,\"subnet\":\"999.0.0.0/8\"}]}}}]");
        assertThatThrownBy(() -> engine.apply(plan)).isInstanceOf(KeaProtocolError.class).hasMessageContaining("999.0.0.0/8");
        assertThat(fake.commands()).doesNotContain("config-test", "config-set");
    }

    @Test
    void plan_overlappingSubnet_isRefusedWithoutAsking() {
        KeaClient k = kea();
        assertThatThrownBy(() -> engine.plan(k, KeaEdit.addSubnet(subnet(9, "192.0.2.128/25"))))
                .isInstanceOf(UserError.class).hasMessageContaining("overlaps the scope 192.0.2.0/24");
        assertThatThrownBy(() -> engine.plan(k, KeaEdit.addSubnet(subnet(9, "192.0.2.0/24"))))
                .hasMessage("A scope with address \"192.0.2.0\" already exists on the server");
    }

    @Test
    void createHa_whenHooksMissingEverywhere_namesServerAndPlacesBeforeWriting() throws Exception {
        try (FakeKea other = new FakeKea()) {
            String plain = FakeKea.resource("kea22-config-get-hot-standby.json").replace("libdhcp_ha.so", "libdhcp_bootp.so");
            for (FakeKea f : List.of(fake, other)) {
                f.answerFile("version-get", "kea22-version-get.json").answer("config-get", plain)
                        .answerFile("config-test", "kea22-config-test-missing-hook.json");
            }
            KeaEngine withPref = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), java.nio.file.Path.of("/opt/kea/hooks"));
            KeaClient a = kea();
            KeaClient b = new KeaClient("kea2", KeaEndpoint.ControlAgent.of(other.url()));
            assertThatThrownBy(() -> withPref.planCreateHa(a, b, KeaHaSpec.defaults(KeaHaConfig.Mode.HOT_STANDBY)))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("Kea server \"kea1\" has no libdhcp_ha.so")
                    .hasMessageContaining("/opt/kea/hooks").hasMessageContaining("/usr/lib/x86_64-linux-gnu/kea/hooks")
                    .hasMessageContaining("/usr/lib64/kea/hooks").hasMessageContaining("/usr/local/lib/kea/hooks");
            assertThat(fake.commands()).doesNotContain("config-set");
            assertThat(other.commands()).doesNotContain("config-set");
        }
    }

    @Test
    void haChecks_delaysBeyondKea22Limits_andResponseNotAboveHeartbeat_areRefused() {
        fake.answerFile("config-test", "kea22-config-test-ok.json");
        KeaClient k = kea();
        KeaConfig c = engine.sync(k);
        KeaHaConfig ha = c.ha().orElseThrow();
        KeaHaConfig tooLong = new KeaHaConfig(ha.thisServerName(), ha.mode(), 70_000, 80_000, 1000, 10, ha.peers());
        KeaPlan p1 = engine.plan(k, (s, doc) -> doc.setHa(tooLong, "/x"));
        assertThatThrownBy(() -> engine.check(p1)).hasMessageContaining("heartbeat-delay").hasMessageContaining("65535");
        KeaHaConfig inverted = new KeaHaConfig(ha.thisServerName(), ha.mode(), 5000, 5000, 1000, 10, ha.peers());
        KeaPlan p2 = engine.plan(k, (s, doc) -> doc.setHa(inverted, "/x"));
        assertThatThrownBy(() -> engine.check(p2)).hasMessageContaining("must be above heartbeat-delay");
        assertThat(fake.commands()).doesNotContain("config-test", "config-set");
    }

    @Test
    void haScopes_withClientClassName_isRefusedBeforeSending() {
        assertThatThrownBy(() -> engine.actions().scopes(kea(), List.of("HA_server1")))
                .hasMessageContaining("HA scopes are server names like \"server1\"");
        assertThat(fake.commands()).isEmpty();
    }

    @Test
    void apply_whenConfigWriteFails_reportsThatTheChangeIsLiveButNotPersisted() {
        fake.answerFile("config-test", "kea22-config-test-ok.json")
                .answer("config-set", "[{\"result\":0,\"text\":\"Configuration successful.\"}]")
                .answer("config-write", "[{\"result\":1,\"text\":\"Unable to open file /etc/kea/kea-dhcp4.conf for writing\"}]");
        KeaClient k = kea();
        KeaApplyReport r = engine.apply(engine.plan(k, KeaEdit.addSubnet(subnet(7, "10.7.0.0/24"))));
        assertThat(r.persisted()).isFalse();
        assertThat(r.warnings()).singleElement().asString()
                .contains("config-write failed on Kea server \"kea1\"").contains("/etc/kea/kea-dhcp4.conf")
                .contains("a restart of Kea would undo it");
    }

    @Test
    void planCreateHa_passiveBackup_givesTheBackupRoleAndDoesNotMirrorScopes() throws Exception {
        try (FakeKea other = new FakeKea()) {
            String plain = FakeKea.resource("kea22-config-get-hot-standby.json").replace("libdhcp_ha.so", "libdhcp_bootp.so");
            fake.answer("config-get", plain).answerFile("config-test", "kea22-config-test-ok.json");
            other.answerFile("version-get", "kea22-version-get.json").answer("config-get", plain.replace("192.0.2.", "203.0.113."))
                    .answerFile("config-test", "kea22-config-test-ok.json");
            KeaClient a = kea();
            KeaClient b = new KeaClient("kea2", KeaEndpoint.ControlAgent.of(other.url()));
            KeaPairPlan plan = engine.planCreateHa(a, b, KeaHaSpec.defaults(KeaHaConfig.Mode.PASSIVE_BACKUP)
                    .withUrls(java.net.URI.create("http://192.0.2.1:8000/"), java.net.URI.create("http://192.0.2.2:8000/")));
            KeaHaConfig ha = plan.secondary().newConfig().ha().orElseThrow();
            assertThat(ha.thisServerName()).isEqualTo("kea2");
            assertThat(ha.peer("kea2").orElseThrow().role()).isEqualTo(KeaHaConfig.Role.BACKUP);
            assertThat(plan.secondary().newConfig().subnets()).extracting(s -> s.subnet().toString()).containsExactly("203.0.113.0/24");
            assertThat(plan.primary().diff()).contains("+").contains("passive-backup");
            assertThat(fake.commands()).doesNotContain("config-set");
        }
    }

    @Test
    void planCreateHa_peerUrlWithHostName_isRefusedByTheChecks() throws Exception {
        try (FakeKea other = new FakeKea()) {
            String plain = FakeKea.resource("kea22-config-get-hot-standby.json").replace("libdhcp_ha.so", "libdhcp_bootp.so");
            fake.answer("config-get", plain).answerFile("config-test", "kea22-config-test-ok.json");
            other.answerFile("version-get", "kea22-version-get.json").answer("config-get", plain).answerFile("config-test", "kea22-config-test-ok.json");
            KeaClient a = kea();
            KeaClient b = new KeaClient("kea2", KeaEndpoint.ControlAgent.of(other.url()));
            KeaPairPlan plan = engine.planCreateHa(a, b, KeaHaSpec.defaults(KeaHaConfig.Mode.HOT_STANDBY)
                    .withUrls(java.net.URI.create("http://kea1.example:8000/"), java.net.URI.create("http://192.0.2.2:8000/")));
            assertThatThrownBy(() -> engine.check(plan)).isInstanceOf(UserError.class).hasMessageContaining("must use an IP address");
            assertThat(fake.commands()).doesNotContain("config-set");
        }
    }

    @Test
    void changedOutside_onKea24_usesConfigHashGetInsteadOfConfigGet() {
        String withHash = FakeKea.resource("kea22-config-get-hot-standby.json")
                .replace("\"arguments\": { \"Dhcp4\"", "\"arguments\": { \"hash\": \"ABC123\", \"Dhcp4\"");
        fake.answer("version-get", "[{\"result\":0,\"text\":\"2.4.1\"}]").answer("config-get", withHash)
                .answer("config-hash-get", "[{\"result\":0,\"arguments\":{\"hash\":\"ABC123\"}}]");
        KeaClient k = kea();
        KeaConfig c = engine.sync(k);
        assertThat(c.keaHash()).isEqualTo("ABC123");
        assertThat(engine.changedOutside(k)).isFalse();
        fake.answer("config-hash-get", "[{\"result\":0,\"arguments\":{\"hash\":\"DEF456\"}}]");
        assertThat(engine.changedOutside(k)).isTrue();
        assertThat(fake.commands().stream().filter("config-get"::equals).count()).isEqualTo(1);
    }

    @Test
    void applyPair_whenPrimaryRefusesConfigSet_rollsTheSecondaryBack() throws Exception {
        try (FakeKea secondary = new FakeKea()) {
            String plain = FakeKea.resource("kea22-config-get-hot-standby.json").replace("libdhcp_ha.so", "libdhcp_bootp.so");
            String ok = "[{\"result\":0,\"text\":\"fine\"}]";
            fake.answer("config-get", plain).answerFile("config-test", "kea22-config-test-ok.json")
                    .answer("config-set", "[{\"result\":1,\"text\":\"out of memory\"}]");
            secondary.answerFile("version-get", "kea22-version-get.json").answer("config-get", plain)
                    .answerFile("config-test", "kea22-config-test-ok.json").answer("config-set", ok).answer("config-write", ok);
            KeaClient a = kea();
            KeaClient b = new KeaClient("kea2", KeaEndpoint.ControlAgent.of(secondary.url()));
            KeaPairPlan plan = engine.planPair(a, b, KeaEdit.addSubnet(subnet(7, "10.7.0.0/24")));
            assertThatThrownBy(() -> engine.apply(plan)).hasMessageContaining("out of memory");
            List<FakeKea.Request> sets = secondary.requests().stream().filter(r -> r.body().contains("\"config-set\"")).toList();
            assertThat(sets).hasSize(2);
            assertThat(sets.get(0).body()).contains("10.7.0.0/24");
            assertThat(sets.get(1).body()).doesNotContain("10.7.0.0/24");
        }
    }
}
