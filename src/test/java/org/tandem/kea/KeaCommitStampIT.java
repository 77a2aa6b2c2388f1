package org.tandem.kea;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.change.LiveConfig;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Range;
import org.tandem.testing.KeaHandEdits;

/**
 * The commit stamp on a real Kea 2.2 behind its Control Agent: which commands move it, and what the guard of Tandem's
 * next write then reads. One server of a KeaLab pair; every test leaves it running a config with subnets.
 */
class KeaCommitStampIT {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static KeaLab lab;
    private static KeaClient kea;

    @BeforeAll
    static void start() throws Exception {
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE));
        kea = new KeaClient("server1", lab.node(0).agentEndpoint());
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    private static KeaEngine engine() {
        return new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null);
    }

    private static KeaTarget target(KeaEngine engine) {
        return new KeaTarget(kea, engine, Optional::empty, Clock.systemUTC());
    }

    private static JsonNode configGet() {
        ObjectNode live = (ObjectNode) kea.ok("config-get", null, false).arguments().deepCopy();
        live.remove("hash");
        return live;
    }

    /** Writes through the change path: the server's config plus one subnet; answers the text set. */
    private static String writeASubnet(KeaEngine engine, long id) {
        KeaTarget target = target(engine);
        LiveConfig before = target.read();
        KeaConfigDocument doc = engine.lastSynced(kea).edit();
        Ipv4Range r = Ipv4Range.parseCidr("subnet", "198.18." + (200 + id) + ".0/24");
        if (doc.subnet(r).isPresent()) {
            doc.removeSubnet(r);
        }
        doc.addSubnet(KeaSubnet.of(900 + id, r, List.of(KeaPool.of(new Ipv4Range(r.first().plus(10), r.first().plus(20))))));
        String text = doc.toPrettyString();
        target.validate(text);
        target.apply(text, before.sha256());
        target.awaitHealthy(Instant.now().plus(DEADLINE));
        return text;
    }

    private static int renewTimer(KeaConfig c) {
        return c.edit().toKeaArguments().path("Dhcp4").path("renew-timer").asInt();
    }

    private static KeaCommitStamp stamp(KeaEngine engine) {
        return engine.stamp(kea).orElseThrow();
    }

    @Test
    void stamp_staysThroughTestGetAndWrite_andMovesWithEveryConfigSetAndReload() {
        KeaEngine engine = engine();
        writeASubnet(engine, 1);
        KeaCommitStamp set = stamp(engine);
        JsonNode config = configGet();

        kea.ok("config-test", config, false);
        kea.ok("config-get", null, false);
        kea.ok("config-write", null, false);
        assertThat(set.sameCommit(stamp(engine))).as("after config-test, config-get and config-write").isTrue();

        kea.ok("config-set", config, false);
        KeaCommitStamp again = stamp(engine);
        assertThat(set.sameCommit(again)).as("after a config-set of the same config").isFalse();

        kea.ok("config-reload", null, false);
        assertThat(again.sameCommit(stamp(engine))).as("after config-reload").isFalse();
    }

    @Test
    void nextWrite_nothingCommittedSinceTandemsWrite_isGuardedByTheStampAlone() {
        KeaEngine engine = engine();
        String text = writeASubnet(engine, 2);
        Instant written = engine.lastSynced(kea).syncedAt();

        KeaTarget next = target(engine);
        LiveConfig guard = next.read();

        assertThat(engine.lastSynced(kea).syncedAt()).as("no config-get since the write").isEqualTo(written);
        assertThat(guard.sha256()).isEqualTo(next.hashOf(text));
    }

    /**
     * A hand edit right after Tandem's write, mostly in the same second (which status-get alone cannot see): the guard
     * of the next write reads the server and finds the edit. Repeated until one edit fell in the write's second.
     */
    @Test
    void handEditRightAfterTandemsWrite_evenInTheSameSecond_isReadByTheNextGuard() {
        boolean sameSecond = false;
        for (int round = 0; round < 5 && !sameSecond; round++) {
            KeaEngine engine = engine();
            String text = writeASubnet(engine, 3);
            KeaCommitStamp written = stamp(engine);
            int value = 311 + round; // the lab's is 300
            KeaHandEdits.setRenewTimer(kea, value);
            sameSecond = stamp(engine).commitOffsetSeconds() == written.commitOffsetSeconds();

            KeaTarget next = target(engine);
            LiveConfig guard = next.read();

            assertThat(guard.sha256()).as("round %d", round).isNotEqualTo(next.hashOf(text));
            assertThat(renewTimer(engine.lastSynced(kea))).as("round %d", round).isEqualTo(value);
        }
        assertThat(sameSecond).as("one hand edit fell in the second of Tandem's write").isTrue();
    }

    /** Two writes, the second guarded by the stamp alone, then a restart: the read after it confirms both as one. */
    @Test
    void keaRestartedOnTheFileItWrote_nextGuardReadsIt_andConfirmsTandemsWrites() throws Exception {
        KeaEngine engine = engine();
        writeASubnet(engine, 4);
        String text = writeASubnet(engine, 5);
        Instant written = engine.lastSynced(kea).syncedAt();
        lab.node(0).killDhcp();
        lab.node(0).startDhcp();

        KeaTarget next = target(engine);
        LiveConfig guard = next.read();

        assertThat(engine.lastSynced(kea).syncedAt()).as("read again after the restart").isAfter(written);
        assertThat(guard.sha256()).as("Kea's own file, read back, is what Tandem set twice").isEqualTo(next.hashOf(text));
    }
}
