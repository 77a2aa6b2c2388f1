package org.tandem.kea;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.change.LiveConfig;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Range;

/**
 * Day two on a real Kea 2.2: a server of 1,500 subnets is read over and over ({@code KeaEngine.sync}, as the web
 * UI's configuration editor reads it when it opens and before it saves, not waiting for a change's lock) while
 * changes write it. A config-get Kea answered just before a change's config-set, whose answer Central finishes
 * reading after the change, is older than the write; it must neither replace the stored config nor make the write
 * look edited elsewhere. Seeded: the pauses between reads vary how the reads and the writes cross;
 * {@code -Dtandem.syncwrites.seed=N} replays one.
 */
class KeaSyncBesideWritesIT {

    private static final long SEED = Long.getLong("tandem.syncwrites.seed", 20_261_203L);
    private static final int SUBNETS = 1_500;
    private static final int WRITES = 12;
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static KeaLab lab;
    private static KeaClient kea;

    @BeforeAll
    static void start() throws Exception {
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE));
        kea = new KeaClient("server1", lab.node(0).agentEndpoint());
        KeaConfigDocument doc = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null).sync(kea).edit();
        for (int i = 0; i < SUBNETS; i++) {
            Ipv4Range r = Ipv4Range.parseCidr("subnet", "10." + (100 + i / 256) + "." + (i % 256) + ".0/24");
            doc.addSubnet(KeaSubnet.of(5_000 + i, r, List.of(KeaPool.of(new Ipv4Range(r.first().plus(10), r.first().plus(200))))));
        }
        kea.ok("config-set", doc.toKeaArguments(), false);
    }

    @AfterAll
    static void stop() {
        if (lab != null) {
            lab.close();
        }
    }

    private static boolean poll(BooleanSupplier condition) throws InterruptedException {
        Instant end = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Test
    void syncJobReadingThroughoutAStreamOfWrites_storeKeepsEachWrite_andEveryWriteIsSeenAsTandems() throws Exception {
        KeaEngine engine = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null);
        engine.sync(kea);
        Random random = new Random(SEED);
        List<Integer> pauses = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            pauses.add(random.nextInt(40));
        }
        List<Boolean> settle = new ArrayList<>();
        for (int w = 0; w < WRITES; w++) {
            settle.add(random.nextBoolean());
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger started = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService job = Executors.newSingleThreadExecutor();
        try {
            // The reader: a config-get after another, at most 400, until the writes are done.
            Future<?> syncs = job.submit(() -> {
                while (writing.get() && started.get() < pauses.size()) {
                    int n = started.getAndIncrement();
                    engine.sync(kea);
                    done.incrementAndGet();
                    Thread.sleep(pauses.get(n));
                }
                return null;
            });
            for (int w = 0; w < WRITES; w++) {
                KeaTarget target = new KeaTarget(kea, engine, Optional::empty, Clock.systemUTC());
                LiveConfig before = target.read();
                KeaConfigDocument doc = engine.read(kea).edit();
                Ipv4Range r = Ipv4Range.parseCidr("subnet", "198.18." + (100 + w) + ".0/24");
                doc.addSubnet(KeaSubnet.of(900 + w, r, List.of(KeaPool.of(new Ipv4Range(r.first().plus(10), r.first().plus(20))))));
                String text = doc.toPrettyString();
                target.apply(text, before.sha256());
                target.awaitHealthy(Instant.now().plus(DEADLINE));
                if (settle.get(w)) {
                    // Then a config-get that shows the write: it counts as Tandem's only if the engine confirmed it.
                    int after = started.get() + 1;
                    assertThat(poll(() -> done.get() >= after || syncs.isDone())).as("a sync begun after write %d ended", w).isTrue();
                } // else the next write plans on the config set, while the job's reads confirm it or cross the write
                KeaTarget next = new KeaTarget(kea, engine, Optional::empty, Clock.systemUTC());
                assertThat(next.runs(next.read(), text)).as("write %d (seed %d): the server runs what Tandem set, not an edit made elsewhere", w, SEED)
                        .isTrue();
                assertThat(engine.lastSynced(kea).subnets()).as("write %d (seed %d): the stored config", w, SEED)
                        .extracting(KeaSubnet::id).contains(900L + w);
            }
            writing.set(false);
            syncs.get(60, TimeUnit.SECONDS);
            System.out.printf("KeaSyncBesideWritesIT: seed %d, %d writes beside %d syncs of %d subnets%n", SEED, WRITES, done.get(), SUBNETS + 1);
            assertThat(done.get()).as("syncs beside the writes").isGreaterThan(WRITES);
        } finally {
            writing.set(false);
            job.shutdownNow();
            job.awaitTermination(30, TimeUnit.SECONDS);
        }
    }
}
