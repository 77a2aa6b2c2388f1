package org.tandem.kea;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
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
    private final Map<String, String> aliases = new ConcurrentHashMap<>();

    @AfterEach
    void stop() {
        fake.close();
    }

    private KeaTarget target() {
        return new KeaTarget(client, engine, Optional::empty, aliases, Clock.systemUTC());
    }

    private long configGets() {
        return fake.commands().stream().filter("config-get"::equals).count();
    }

    /** The running config with one more subnet, as the planner makes it. */
    private static KeaConfigDocument withNewSubnet(LiveConfig running) {
        KeaConfigDocument doc = KeaConfig.fromJson(running.text().getBytes(StandardCharsets.UTF_8), Instant.EPOCH).edit();
        Ipv4Range r = Ipv4Range.parseCidr("subnet", "198.51.100.0/24");
        doc.addSubnet(KeaSubnet.of(77, r, List.of(KeaPool.of(new Ipv4Range(r.first().plus(10), r.first().plus(20))))));
        return doc;
    }

    @Test
    void apply_thenVerificationRead_serverReportsTheSetSubnetsPlusDefaults_newTextCountsAsRunning() {
        KeaTarget target = target();
        LiveConfig before = target.read();
        KeaConfigDocument doc = withNewSubnet(before);
        String next = doc.toPrettyString();
        long gets = configGets();

        target.apply(next, before.sha256());
        // No config-get after config-set: the engine's verification reads the server anyway.
        assertThat(configGets()).isEqualTo(gets);
        JsonNode reported = doc.toKeaArguments().deepCopy();
        for (JsonNode s : reported.path("Dhcp4").path("subnet4")) {
            ((ObjectNode) s).put("valid-lifetime", 4000); // a default Kea fills in
        }
        fake.answer("config-get", "[{\"result\":0,\"arguments\":" + reported + "}]");
        LiveConfig after = target.read();

        assertThat(after.sha256()).isNotEqualTo(KeaConfig.fromJson(next.getBytes(StandardCharsets.UTF_8), Instant.EPOCH).hash());
        assertThat(target.hashOf(next)).isEqualTo(after.sha256());
    }

    @Test
    void apply_thenVerificationRead_serverStillReportsTheOldSubnets_newTextDoesNotCountAsRunning() {
        KeaTarget target = target();
        LiveConfig before = target.read();
        String next = withNewSubnet(before).toPrettyString();

        target.apply(next, before.sha256());
        LiveConfig after = target.read();

        assertThat(after.sha256()).isEqualTo(before.sha256());
        assertThat(target.hashOf(next)).isNotEqualTo(after.sha256());
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
