package org.tandem.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tandem.kea.InMemoryKeaConfigStore;
import org.tandem.kea.KeaEdit;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.kea.ha.KeaHaStatus;
import org.tandem.lab.KeaLab;
import org.tandem.net.Ipv4Range;

/**
 * The longest time without DHCP answers while a scope is added to a Kea HA pair: a plain config-set on both servers
 * against Tandem's ordering. Kea runs in two network namespaces created by bench/kea-gap.sh; this program runs in
 * the third (the client's), starts perfdhcp there, and reads perfdhcp's per-exchange timestamps.
 * Args: MODE NS1 NS2 IF1 IF2 CLIENT_IF OUTPUT_FILE.
 */
public final class KeaGapBenchmark {

    public static void main(String[] args) throws Exception {
        KeaLab.HaSetup mode = KeaLab.HaSetup.valueOf(args[0]);
        KeaLab.Options options = new KeaLab.Options(mode, 10_000, 60_000, 10_000, 10, null, null, null)
                .inNamespaces(List.of(args[1], args[2]), List.of(args[3], args[4]), List.of("198.18.0.1", "198.18.0.2"));
        Path perfOut = Path.of(args[6]);
        try (KeaLab lab = KeaLab.start(options)) {
            KeaClient s1 = new KeaClient("server1", lab.node(0).agentEndpoint());
            KeaClient s2 = new KeaClient("server2", lab.node(1).agentEndpoint());
            KeaEngine engine = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null);
            KeaHaActions actions = engine.actions();
            Duration deadline = Duration.ofSeconds(150);
            Duration poll = Duration.ofMillis(100);
            actions.await(s1, "normal", KeaHaStatus::isNormal, deadline, poll);
            actions.await(s2, "normal", KeaHaStatus::isNormal, deadline, poll);
            Ipv4Range net = Ipv4Range.parseCidr("subnet", "198.18.0.0/24");
            List<KeaPool> pools = mode == KeaLab.HaSetup.LOAD_BALANCING
                    ? List.of(new KeaPool(Ipv4Range.parse("p", "198.18.0.100", "p", "198.18.0.174"), "HA_server1"),
                              new KeaPool(Ipv4Range.parse("p", "198.18.0.175", "p", "198.18.0.250"), "HA_server2"))
                    : List.of(KeaPool.of(Ipv4Range.parse("p", "198.18.0.100", "p", "198.18.0.250")));
            engine.apply(engine.planPair(s1, s2, KeaEdit.addSubnet(KeaSubnet.of(100, net, pools))));
            actions.await(s1, "normal", KeaHaStatus::isNormal, deadline, poll);
            actions.await(s2, "normal", KeaHaStatus::isNormal, deadline, poll);

            int seconds = 170;
            Process perf = new ProcessBuilder("perfdhcp", "-4", "-B", "-r", "20", "-R", "100", "-p", String.valueOf(seconds),
                    "-x", "t", "-l", args[5]).redirectErrorStream(true).redirectOutput(perfOut.toFile()).start();
            long origin = System.currentTimeMillis();
            List<long[]> windows = new ArrayList<>();
            try {
                Thread.sleep(8000);
                // Plain: config-set on both, as a script would, then wait for both to be normal again.
                long a0 = System.currentTimeMillis();
                for (KeaClient c : List.of(s1, s2)) {
                    engine.sync(c);
                    var doc = engine.lastSynced(c).edit();
                    doc.addSubnet(KeaSubnet.of(101, Ipv4Range.parseCidr("s", "10.101.0.0/24"), List.of()));
                    c.ok("config-set", doc.toKeaArguments(), false);
                }
                actions.await(s1, "normal", KeaHaStatus::isNormal, deadline, poll);
                actions.await(s2, "normal", KeaHaStatus::isNormal, deadline, poll);
                long a1 = System.currentTimeMillis();
                windows.add(new long[] {a0, a1});
                Thread.sleep(8000);
                // Tandem's ordering.
                long b0 = System.currentTimeMillis();
                engine.apply(engine.planPair(s1, s2, KeaEdit.addSubnet(KeaSubnet.of(102, Ipv4Range.parseCidr("s", "10.102.0.0/24"), List.of()))));
                actions.await(s1, "normal", KeaHaStatus::isNormal, deadline, poll);
                actions.await(s2, "normal", KeaHaStatus::isNormal, deadline, poll);
                long b1 = System.currentTimeMillis();
                windows.add(new long[] {b0, b1});
                Thread.sleep(5000);
            } finally {
                if (!perf.waitFor(seconds + 30, TimeUnit.SECONDS)) {
                    perf.destroyForcibly();
                }
            }
            Files.writeString(Path.of(args[6] + ".windows"), origin + "\n" + windows.get(0)[0] + " " + windows.get(0)[1] + "\n"
                    + windows.get(1)[0] + " " + windows.get(1)[1] + "\n");
        }
    }
}
