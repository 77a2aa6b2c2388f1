package org.tandem.kea;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tandem.change.LiveConfig;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Range;
import org.tandem.testing.MutableClock;

/** The change engine's Kea adapter against a fake fed with captured Kea 2.2 answers: what it reads and when. */
class KeaTargetTest {

    private static final String OK = "[{\"result\":0,\"text\":\"done\"}]";

    private final FakeKea fake = FakeKea.started()
            .answerFile("version-get", "kea22-version-get.json")
            .answerFile("config-get", "kea22-config-get-hot-standby.json")
            .answer("config-set", OK)
            .answer("config-write", OK);
    private final KeaEngine engine = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null);
    private final KeaClient client = new KeaClient("kea1", KeaEndpoint.ControlAgent.of(fake.url()));

    @AfterEach
    void stop() {
        fake.close();
    }

    private KeaTarget target() {
        return new KeaTarget(client, engine, Optional::empty, Clock.systemUTC());
    }

    private long configGets() {
        return fake.commands().stream().filter("config-get"::equals).count();
    }

    /** The config the target read last (the engine keeps it) with one more subnet, as the planner makes it. */
    private KeaConfigDocument withNewSubnet() {
        return withSubnet(77, "198.51.100.0/24");
    }

    private KeaConfigDocument withSubnet(long id, String cidr) {
        return withSubnet(engine, id, cidr);
    }

    private KeaConfigDocument withSubnet(KeaEngine on, long id, String cidr) {
        KeaConfigDocument doc = on.lastSynced(client).edit();
        Ipv4Range r = Ipv4Range.parseCidr("subnet", cidr);
        doc.addSubnet(KeaSubnet.of(id, r, List.of(KeaPool.of(new Ipv4Range(r.first().plus(10), r.first().plus(20))))));
        return doc;
    }

    /**
     * From now on the fake answers status-get and statistic-get as Kea does when its process {@code pid} committed a
     * config {@code commitOffset} seconds after its start, 10 s ago, recounting its leases at {@code countedAt}.
     */
    private void showsCommit(int pid, int commitOffset, String countedAt) {
        fake.answer("status-get", "[{\"result\":0,\"arguments\":{\"pid\":" + pid + ",\"uptime\":" + (commitOffset + 10)
                + ",\"reload\":10,\"multi-threading-enabled\":false}}]");
        fake.answer("statistic-get", "[{\"result\":0,\"arguments\":{\"declined-addresses\":[[0,\"" + countedAt + "\"]]}}]");
    }

    /** What Kea reports after setting {@code doc}: the same plus the defaults it fills into a subnet (the new one lacks them). */
    private static JsonNode reportedAfterSetting(KeaConfigDocument doc) {
        JsonNode reported = doc.toKeaArguments().deepCopy();
        for (JsonNode s : reported.path("Dhcp4").path("subnet4")) {
            ((ObjectNode) s).putIfAbsent("4o6-subnet", TextNode.valueOf(""));
            ((ObjectNode) s).putIfAbsent("valid-lifetime", IntNode.valueOf(4000));
        }
        return reported;
    }

    private void reports(JsonNode arguments) {
        fake.answer("config-get", "[{\"result\":0,\"arguments\":" + arguments + "}]");
    }

    @Test
    void apply_verifiedByConfigSetsAnswer_noConfigGetUntilTheChangeEnds() {
        KeaTarget target = target();
        LiveConfig before = target.read();
        String next = withNewSubnet().toPrettyString();
        long gets = configGets();

        target.apply(next, before.sha256());
        LiveConfig running = target.read();

        assertThat(configGets()).isEqualTo(gets);
        assertThat(running.sha256()).isEqualTo(target.hashOf(next));
    }

    /** One change by its own target: it reads the server, adds a subnet and applies that; answers the document set. */
    private KeaConfigDocument changeAddingASubnet() {
        KeaTarget first = target();
        LiveConfig before = first.read();
        KeaConfigDocument doc = withNewSubnet();
        first.apply(doc.toPrettyString(), before.sha256());
        return doc;
    }

    @Test
    void nextChange_serverReportsTheSetConfigPlusDefaults_setTextCountsAsRunning() {
        KeaConfigDocument doc = changeAddingASubnet();
        String next = doc.toPrettyString();
        reports(reportedAfterSetting(doc));

        KeaTarget second = target();
        LiveConfig after = second.read();

        assertThat(after.sha256()).isNotEqualTo(KeaConfig.fromJson(next.getBytes(StandardCharsets.UTF_8), Instant.EPOCH).hash());
        assertThat(second.hashOf(next)).isEqualTo(after.sha256());
    }

    @Test
    void nextChange_serverReportsItsSubnetsInAnotherOrder_setTextCountsAsRunning() {
        KeaConfigDocument doc = changeAddingASubnet();
        JsonNode reported = reportedAfterSetting(doc);
        ArrayNode subnets = (ArrayNode) reported.path("Dhcp4").path("subnet4");
        subnets.insert(0, subnets.remove(subnets.size() - 1));
        reports(reported);

        KeaTarget second = target();
        LiveConfig after = second.read();

        assertThat(second.hashOf(doc.toPrettyString())).isEqualTo(after.sha256());
    }

    @Test
    void nextChange_someoneChangedAValueTandemSet_setTextDoesNotCountAsRunning() {
        KeaConfigDocument doc = changeAddingASubnet();
        JsonNode reported = reportedAfterSetting(doc);
        for (JsonNode s : reported.path("Dhcp4").path("subnet4")) {
            if (s.path("id").asLong() == 77) {
                ((ObjectNode) s.path("pools").get(0)).put("pool", "198.51.100.10-198.51.100.30");
            }
        }
        reports(reported);

        KeaTarget second = target();
        LiveConfig after = second.read();

        assertThat(second.hashOf(doc.toPrettyString())).isNotEqualTo(after.sha256());
    }

    @Test
    void nextChange_serverStillReportsTheOldSubnets_setTextDoesNotCountAsRunning() {
        LiveConfig before = target().read();
        KeaConfigDocument doc = changeAddingASubnet();

        KeaTarget second = target();
        LiveConfig after = second.read();

        assertThat(after.sha256()).isEqualTo(before.sha256());
        assertThat(second.hashOf(doc.toPrettyString())).isNotEqualTo(after.sha256());
    }

    @Test
    void apply_asksTheCommitStampRightAfterConfigSet_beforeConfigWrite() {
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        KeaTarget target = target();
        LiveConfig before = target.read();
        int sent = fake.commands().size();

        target.apply(withNewSubnet().toPrettyString(), before.sha256());
        target.awaitHealthy(Instant.now().plusSeconds(5));

        List<String> write = fake.commands().subList(sent, sent + 4);
        assertThat(write).startsWith("config-set").endsWith("config-write");
        assertThat(write.subList(1, 3)).containsExactlyInAnyOrder("status-get", "statistic-get");
    }

    @Test
    void nextChange_serverShowsNoCommitSinceTheSet_guardsTheWriteWithoutAConfigGet() {
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        KeaTarget first = target();
        LiveConfig before = first.read();
        String next = withNewSubnet().toPrettyString();
        showsCommit(700, 9, "2026-12-03 17:11:37.300001");
        first.apply(next, before.sha256());
        long gets = configGets();

        KeaTarget second = target();
        LiveConfig guard = second.read();

        assertThat(configGets()).isEqualTo(gets);
        assertThat(guard.sha256()).isEqualTo(second.hashOf(next));
    }

    @Test
    void read_serverWithAConfigBackend_isReadEveryTimeWhateverItsStamp() {
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        JsonNode withBackend = engine.sync(client).edit().toKeaArguments().deepCopy();
        ((ObjectNode) withBackend.path("Dhcp4")).putObject("config-control").putArray("config-databases").addObject()
                .put("type", "mysql").put("name", "kea");
        reports(withBackend);
        engine.sync(client);
        long gets = configGets();

        target().read();

        assertThat(configGets()).isEqualTo(gets + 1);
    }

    /** Found by the benchmark, whose Central clock jumps 16 s before each write: the stamp does not go by Central's clock. */
    @Test
    void nextChange_centralsClockSteppedSinceTheSet_stillNoConfigGet() {
        MutableClock stepped = new MutableClock(Instant.now());
        KeaEngine steppedEngine = new KeaEngine(new InMemoryKeaConfigStore(), stepped, null);
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        KeaTarget first = new KeaTarget(client, steppedEngine, Optional::empty, stepped);
        LiveConfig before = first.read();
        KeaConfigDocument doc = withSubnet(steppedEngine, 77, "198.51.100.0/24");
        showsCommit(700, 9, "2026-12-03 17:11:37.300001");
        first.apply(doc.toPrettyString(), before.sha256());
        stepped.advance(Duration.ofSeconds(16));
        long gets = configGets();

        LiveConfig guard = new KeaTarget(client, steppedEngine, Optional::empty, stepped).read();

        assertThat(configGets()).isEqualTo(gets);
        assertThat(guard.sha256()).isEqualTo(first.hashOf(doc.toPrettyString()));
    }

    @Test
    void nextChange_serverCommittedAgainInTheSameSecond_readsItAndSeesTheEdit() {
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        KeaTarget first = target();
        LiveConfig before = first.read();
        KeaConfigDocument doc = withNewSubnet();
        showsCommit(700, 9, "2026-12-03 17:11:37.300001");
        first.apply(doc.toPrettyString(), before.sha256());
        JsonNode edited = reportedAfterSetting(doc);
        ((ObjectNode) edited.path("Dhcp4")).put("renew-timer", 317);
        reports(edited);
        showsCommit(700, 9, "2026-12-03 17:11:37.800452");
        long gets = configGets();

        KeaTarget second = target();
        LiveConfig guard = second.read();

        assertThat(configGets()).isEqualTo(gets + 1);
        assertThat(guard.sha256()).isNotEqualTo(second.hashOf(doc.toPrettyString()));
    }

    /**
     * Day two: two writes, each guarded by the stamp alone, then Kea restarts on the file it wrote. Its config-get shows
     * both new subnets with Kea's defaults; that is what Tandem set, not an edit made elsewhere.
     */
    @Test
    void twoWritesWithoutAConfigGet_thenKeaRestarts_itsReadConfirmsBoth() {
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        KeaTarget first = target();
        LiveConfig before = first.read();
        showsCommit(700, 9, "2026-12-03 17:11:37.300001");
        first.apply(withNewSubnet().toPrettyString(), before.sha256());
        KeaTarget second = target();
        LiveConfig between = second.read();
        KeaConfigDocument both = withSubnet(78, "198.51.101.0/24");
        showsCommit(700, 12, "2026-12-03 17:11:40.020304");
        second.apply(both.toPrettyString(), between.sha256());
        reports(reportedAfterSetting(both));
        showsCommit(912, 0, "2026-12-03 17:15:02.000777");

        KeaTarget third = target();
        LiveConfig restarted = third.read();

        assertThat(third.hashOf(both.toPrettyString())).isEqualTo(restarted.sha256());
    }

    /**
     * Day two, a change planned on the config Tandem set before (the stamp showed no commit since), and the sync job's
     * config-get confirming that earlier write before this one is set: the next read shows both writes, Tandem's.
     */
    @Test
    void writePlannedOnTheSetText_aSyncConfirmsTheEarlierWriteMeanwhile_bothCountAsTandems() {
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        KeaTarget first = target();
        LiveConfig before = first.read();
        KeaConfigDocument one = withNewSubnet();
        showsCommit(700, 9, "2026-12-03 17:11:37.300001");
        first.apply(one.toPrettyString(), before.sha256());
        KeaTarget second = target();
        LiveConfig between = second.read();
        KeaConfigDocument both = withSubnet(78, "198.51.101.0/24");
        reports(reportedAfterSetting(one));
        engine.sync(client);
        showsCommit(700, 12, "2026-12-03 17:11:40.020304");
        second.apply(both.toPrettyString(), between.sha256());
        reports(reportedAfterSetting(both));
        engine.sync(client);

        KeaTarget third = target();
        assertThat(third.runs(third.read(), both.toPrettyString())).isTrue();
    }

    /** A sync whose config-get Kea answers at once but Central gets only after {@code meanwhile} ran (a write). */
    private KeaConfig syncAnsweredBefore(Runnable meanwhile) throws Exception {
        FakeKea.Held answered = fake.hold("config-get");
        ExecutorService job = Executors.newSingleThreadExecutor();
        try {
            Future<KeaConfig> sync = job.submit(() -> engine.sync(client));
            answered.awaitArrived();
            meanwhile.run();
            answered.release();
            return sync.get(10, TimeUnit.SECONDS);
        } finally {
            answered.release();
            job.shutdownNow();
        }
    }

    /**
     * Day two, a read and a change at once (the web UI's configuration editor opened while a change writes; it does not
     * wait for the change's lock): Kea answered the read's config-get just before the change's config-set, and Central got
     * the answer (megabytes, streamed and parsed) after the change was done. That answer is older than
     * the write: it is neither the server's config to keep nor an edit made elsewhere.
     */
    @Test
    void syncAnsweredBeforeAWrite_endsAfterIt_storeKeepsTheWriteAndNoEditIsSeen() throws Exception {
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        KeaTarget first = target();
        LiveConfig before = first.read();
        KeaConfigDocument doc = withNewSubnet();

        KeaConfig synced = syncAnsweredBefore(() -> {
            showsCommit(700, 9, "2026-12-03 17:11:37.300001");
            first.apply(doc.toPrettyString(), before.sha256());
            reports(reportedAfterSetting(doc));
        });

        assertThat(synced.subnets()).extracting(KeaSubnet::id).contains(77L);
        assertThat(engine.lastSynced(client).subnets()).extracting(KeaSubnet::id).contains(77L);
        KeaTarget second = target();
        assertThat(second.read().sha256()).as("the next change's guard: the server runs what Tandem set")
                .isEqualTo(second.hashOf(doc.toPrettyString()));
    }

    /** As above, but someone edited the server after the write: the read after the dropped answer sees the edit. */
    @Test
    void syncAnsweredBeforeAWrite_handEditAfterIt_theEditIsStillSeen() throws Exception {
        showsCommit(700, 5, "2026-12-03 17:11:33.096086");
        KeaTarget first = target();
        LiveConfig before = first.read();
        KeaConfigDocument doc = withNewSubnet();

        KeaConfig synced = syncAnsweredBefore(() -> {
            showsCommit(700, 9, "2026-12-03 17:11:37.300001");
            first.apply(doc.toPrettyString(), before.sha256());
            JsonNode edited = reportedAfterSetting(doc);
            ((ObjectNode) edited.path("Dhcp4")).put("renew-timer", 317);
            reports(edited);
            showsCommit(700, 15, "2026-12-03 17:11:43.500002");
        });

        assertThat(synced.edit().toKeaArguments().path("Dhcp4").path("renew-timer").asInt()).isEqualTo(317);
        assertThat(engine.lastSynced(client).hash()).isEqualTo(synced.hash());
        KeaTarget second = target();
        assertThat(second.read().sha256()).isNotEqualTo(second.hashOf(doc.toPrettyString()));
    }

    @Test
    void recentRead_plannerSyncedMomentsAgo_takesItWithoutAConfigGet() {
        KeaConfig planned = engine.sync(client);
        long gets = configGets();

        LiveConfig live = target().recentRead(Duration.ofSeconds(15));

        assertThat(configGets()).isEqualTo(gets);
        assertThat(live.sha256()).isEqualTo(planned.hash());
    }

    @Test
    void recentRead_nothingSyncedWithinTheWindow_readsTheServer() {
        long gets = configGets();

        LiveConfig live = target().recentRead(Duration.ofSeconds(15));

        assertThat(configGets()).isEqualTo(gets + 1);
        assertThat(live.sha256()).hasSize(64);
    }
}
