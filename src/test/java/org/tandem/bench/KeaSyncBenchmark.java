package org.tandem.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jol.info.GraphLayout;
import org.tandem.kea.InMemoryKeaConfigStore;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.config.KeaConfig;
import org.tandem.lab.KeaLab;

/**
 * Speed of a full Kea sync against the bare config-get round trip of the same server over the same channel, and the
 * memory a synced config holds, for 5,000 and 20,000 subnets on a real Kea 2.2 (KeaLab). Run by bench/kea-sync.sh.
 */
public final class KeaSyncBenchmark {

    private static final int ROUNDS = 5;

    public static void main(String[] args) throws Exception {
        List<Integer> sizes = args.length == 0 ? List.of(5_000, 20_000) : Arrays.stream(args).map(Integer::parseInt).toList();
        try (KeaLab lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE))) {
            Duration timeout = Duration.ofMinutes(3);
            KeaClient agent = new KeaClient("server1", new KeaEndpoint.ControlAgent(lab.node(0).agentUrl(), null, timeout));
            KeaClient socket = new KeaClient("server1", new KeaEndpoint.UnixSocket(lab.node(0).controlSocket(), timeout));
            System.out.println("| subnets | channel | config-get JSON | bare config-get (median of " + ROUNDS + ") | full sync (median) | ratio | synced config in memory (JOL) | memory / JSON |");
            System.out.println("|---|---|---|---|---|---|---|---|");
            for (int n : sizes) {
                agent.ok("config-set", bigConfig(agent, n), false);
                for (KeaClient c : List.of(socket, agent)) {
                    KeaEngine engine = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null);
                    c.version();
                    // warm up both paths (JIT, Kea's caches)
                    c.rawExchange("config-get", null);
                    engine.sync(c);
                    long[] bare = new long[ROUNDS];
                    long[] sync = new long[ROUNDS];
                    int bytes = 0;
                    KeaConfig cfg = null;
                    for (int i = 0; i < ROUNDS; i++) {
                        long t0 = System.nanoTime();
                        bytes = c.rawExchange("config-get", null).length;
                        bare[i] = System.nanoTime() - t0;
                        t0 = System.nanoTime();
                        cfg = engine.sync(c);
                        sync[i] = System.nanoTime() - t0;
                    }
                    Arrays.sort(bare);
                    Arrays.sort(sync);
                    long mem = GraphLayout.parseInstance(cfg).totalSize();
                    double b = bare[ROUNDS / 2] / 1e6;
                    double s = sync[ROUNDS / 2] / 1e6;
                    System.out.printf("| %,d | %s | %,d bytes | %.0f ms | %.0f ms | %.2f | %,d bytes | %.2f |%n", n,
                            c.endpoint() instanceof KeaEndpoint.UnixSocket ? "unix socket" : "Control Agent", bytes, b, s, s / b, mem, (double) mem / bytes);
                }
            }
        }
    }

    /** The running config plus n /24 subnets, each with one pool, one option and one reservation. */
    static ObjectNode bigConfig(KeaClient c, int n) {
        ObjectNode root = (ObjectNode) c.ok("config-get", null, false).arguments().deepCopy();
        ArrayNode subnets = ((ObjectNode) root.get("Dhcp4")).putArray("subnet4");
        for (int i = 0; i < n; i++) {
            String net = "10." + (i / 256) + "." + (i % 256) + ".";
            ObjectNode s = subnets.addObject();
            s.put("id", i + 1);
            s.put("subnet", net + "0/24");
            s.putArray("pools").addObject().put("pool", net + "10 - " + net + "200");
            s.putArray("option-data").addObject().put("name", "routers").put("data", net + "1");
            s.putArray("reservations").addObject().put("hw-address", String.format("02:00:00:%02x:%02x:01", i / 256, i % 256)).put("ip-address", net + "250");
        }
        return root;
    }
}
