package org.tandem.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.tandem.central.CentralConfig;
import org.tandem.central.TestCentral;
import org.tandem.change.ChangeEngine;
import org.tandem.lab.KeaLab;
import org.tandem.sync.SyncExtension;

/**
 * "Kea write overhead (issue 14)": one scope change written by Tandem through Central's JSON-RPC API against the
 * bare writes of the same change sent straight to the Control Agent, on real kea-dhcp4 + kea-ctrl-agent (KeaLab on
 * loopback, no HA; Tandem writes the lab's first server and the bare client its second, both given the same config),
 * for several config sizes, interleaved round by round. Each side writes its own server, as in a shop where Tandem is
 * the one that edits it: a bare write to Tandem's server would be an edit made elsewhere, which Tandem's next write must
 * read with a config-get. Four writes: AddDHCPReservation and RemoveDHCPReservation in an existing scope, AddDHCPScope (with one
 * pool) and RemoveDHCPScope. The bare equivalent of each is what a minimal client does: config-get, parse, the same
 * edit on the JSON tree, serialise, config-test, config-set, config-write (plain java.net.http and Jackson). Up to
 * {@value #FLOOR_UP_TO} subnets the bare client also times the floor of a guarded write: only the Control Agent calls a
 * Tandem write makes (the commit stamp beside config-test, config-set, the stamp, config-write), with nothing of Central's.
 *
 * <p>Central's clock is moved on by more than {@link ChangeEngine#RECENT_READ} before each Tandem write, so no read of
 * the last seconds stands in for the one that guards the write: Central plans on the config it set or read last and
 * reads the server's commit stamp while it validates the plan (a config-get only when the server committed another
 * config since), as the bare side reads the server before its edit. Each size gets a fresh Central (in-memory database) that
 * registers and syncs the server first. Run with {@code bench/kea-write.sh}; prints a Markdown table.
 */
public final class KeaWriteBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> WRITES = List.of("AddDHCPReservation", "RemoveDHCPReservation", "AddDHCPScope", "RemoveDHCPScope");
    /** The new scope's subnet: outside the generated 10.0.0.0-10.78.x.0/24 ones. */
    private static final String NEW_SUBNET = "10.255.0.0/24";
    private static final int RESERVATIONS_PER_SUBNET = 3;
    /** Sizes up to this many subnets also measure the floor of a guarded write ({@code Ops#floor}). */
    private static final int FLOOR_UP_TO = 500;

    private KeaWriteBench() {
    }

    /**
     * Arguments: rounds (default 5), then the sizes as subnet counts (default 1 14 500 5000 20000: about 3 KB, 17 KB,
     * 0.5 MB, 5 MB and 21 MB of config-get JSON); a size may carry its own rounds as {@code SUBNETS:ROUNDS}. By default
     * 5,000 subnets get 3 rounds and 20,000 one (its eight writes take about four minutes), to keep the run near ten minutes.
     */
    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Map<Integer, Integer> sizes = new LinkedHashMap<>();
        if (args.length > 1) {
            for (String a : Arrays.copyOfRange(args, 1, args.length)) {
                String[] p = a.split(":");
                sizes.put(Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : rounds);
            }
        } else {
            sizes.put(1, rounds);
            sizes.put(14, rounds);
            sizes.put(500, rounds);
            sizes.put(5_000, Math.min(rounds, 3));
            sizes.put(20_000, 1);
        }
        List<String> table = new ArrayList<>();
        try (KeaLab lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.NONE))) {
            Bare bare = new Bare(lab.node(1).agentUrl());
            for (Map.Entry<Integer, Integer> size : sizes.entrySet()) {
                table.addAll(measure(lab, bare, size.getKey(), size.getValue()));
            }
        }
        System.out.println();
        System.out.println("| subnets | config-get JSON | write | rounds | Tandem median | Tandem p90 | bare median | bare p90 | ratio (medians)"
                + " | bare's config-test + config-set + config-write (median) | ratio to them | floor of a guarded write (median) | floor's ratio to them |");
        System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        table.forEach(System.out::println);
    }

    /** One size: both servers get n subnets, a fresh Central registers and syncs the first, then the rounds. */
    private static List<String> measure(KeaLab lab, Bare bare, int n, int rounds) throws IOException {
        ObjectNode base = (ObjectNode) bare.call("config-get", null);
        ObjectNode doc = generated(base, n);
        bare.ok("config-set", doc);
        // Tandem's server gets the same subnets (the rest of its config is its own: sockets, lease file).
        Bare tandemsServer = new Bare(lab.node(0).agentUrl());
        ObjectNode own = generated((ObjectNode) tandemsServer.call("config-get", null), n);
        tandemsServer.ok("config-set", own);
        int bytes = JSON.writeValueAsBytes(bare.call("config-get", null)).length;
        CentralConfig settings = new CentralConfig(Duration.ofDays(1), Duration.ofHours(8), 1 << 20);
        OffsetClock clock = new OffsetClock();
        Map<String, long[]> tandem = new LinkedHashMap<>();
        Map<String, long[]> direct = new LinkedHashMap<>();
        // The bare write's config-test, config-set and config-write alone: what issue 14 states its goal against.
        Map<String, long[]> writesOnly = new LinkedHashMap<>();
        // The floor of a guarded write (Ops#floor), up to FLOOR_UP_TO subnets: above, Tandem is within the goal already.
        Map<String, long[]> floor = new LinkedHashMap<>();
        for (String w : WRITES) {
            tandem.put(w, new long[rounds]);
            direct.put(w, new long[rounds]);
            writesOnly.put(w, new long[rounds]);
            floor.put(w, new long[rounds]);
        }
        try (TestCentral central = new TestCentral(settings, List.of(new SyncExtension()), clock)) {
            Rpc rpc = new Rpc(central);
            long t0 = System.nanoTime();
            String server = rpc.call("AddDHCPServer", "{\"dhcpServer\":{\"name\":\"kea-bench\",\"type\":\"Kea\",\"address\":\"127.0.0.1\",\"port\":"
                    + lab.node(0).agentUrl().getPort() + "}}").path("ref").asText();
            // Central's new-server job imports it within seconds; waiting for that (rather than a SyncDHCPServer of our
            // own, which the job could run beside) keeps its config-get of the server out of the first timed write.
            Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
            while (rpc.call("GetDHCPServer", "{\"dhcpServerRef\":\"" + server + "\"}").path("dhcpServer").path("state").asText().equals("Unknown")) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Central did not import the server within 5 minutes");
                }
                sleep(Duration.ofMillis(200));
            }
            String scope = rpc.scopeOf("10.0.0.0/24");
            String range = rpc.call("AddRange", "{\"range\":{\"name\":\"bench-new\",\"subnet\":\"" + NEW_SUBNET + "\"}}").path("ref").asText();
            System.out.printf("%,d subnets (%,d bytes): registered and imported in %.1f s%n", n, bytes, (System.nanoTime() - t0) / 1e9);
            Ops ops = new Ops(rpc, bare, clock, server, scope, range);
            // One untimed round first on small configs (JIT); on large ones the smaller sizes before warmed it.
            for (int r = n <= 500 ? -1 : 0; r < rounds; r++) {
                boolean bareFirst = r % 2 == 1;
                for (int pair = 0; pair < 2; pair++) {
                    String add = WRITES.get(2 * pair);
                    String remove = WRITES.get(2 * pair + 1);
                    for (int side = 0; side < 2; side++) {
                        boolean viaTandem = (side == 0) != bareFirst;
                        long[] a = ops.run(add, viaTandem, r);
                        long[] b = ops.run(remove, viaTandem, r);
                        if (r >= 0) {
                            (viaTandem ? tandem : direct).get(add)[r] = a[0];
                            (viaTandem ? tandem : direct).get(remove)[r] = b[0];
                            if (!viaTandem) {
                                writesOnly.get(add)[r] = a[1];
                                writesOnly.get(remove)[r] = b[1];
                            }
                        }
                        if (!viaTandem && n <= FLOOR_UP_TO) {
                            long fa = ops.floor(add);
                            long fb = ops.floor(remove);
                            if (r >= 0) {
                                floor.get(add)[r] = fa;
                                floor.get(remove)[r] = fb;
                            }
                        }
                    }
                }
                if (r >= 0) {
                    int round = r;
                    System.out.printf("  round %d: %s%n", r + 1, String.join(", ", WRITES.stream().map(w -> String.format("%s Tandem %.0f ms / bare %.0f ms",
                            w, tandem.get(w)[round] / 1e6, direct.get(w)[round] / 1e6)).toList()));
                }
            }
        }
        List<String> rows = new ArrayList<>();
        for (String w : WRITES) {
            long[] t = tandem.get(w).clone();
            long[] d = direct.get(w).clone();
            long[] o = writesOnly.get(w).clone();
            long[] f = floor.get(w).clone();
            String floorColumns = n <= FLOOR_UP_TO ? String.format("%s | %.2f", ms(median(f)), (double) median(f) / median(o)) : "- | -";
            rows.add(String.format("| %,d | %,.1f KB | %s | %d | %s | %s | %s | %s | %.2f | %s | %.2f | %s |", n, bytes / 1024.0, w, rounds,
                    ms(median(t)), ms(p90(t)), ms(median(d)), ms(p90(d)), (double) median(t) / median(d), ms(median(o)),
                    (double) median(t) / median(o), floorColumns));
        }
        return rows;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis()); // polling the server's import state above, with a deadline
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String ms(long nanos) {
        return nanos >= 10_000_000_000L ? String.format("%.1f s", nanos / 1e9) : String.format("%,.0f ms", nanos / 1e6);
    }

    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Nearest-rank 90th percentile (the largest value below ten rounds). */
    static long p90(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[(int) Math.ceil(0.9 * s.length) - 1];
    }

    /**
     * The running config with its subnet4 list replaced by n /24 subnets (10.x.y.0/24, ids 1..n), each with one pool,
     * one option and {@value #RESERVATIONS_PER_SUBNET} reservations.
     */
    static ObjectNode generated(ObjectNode running, int n) {
        ObjectNode root = running.deepCopy();
        root.remove("hash");
        ArrayNode subnets = ((ObjectNode) root.get("Dhcp4")).putArray("subnet4");
        for (int i = 0; i < n; i++) {
            String net = "10." + (i / 256) + "." + (i % 256) + ".";
            ObjectNode s = subnets.addObject();
            s.put("id", i + 1);
            s.put("subnet", net + "0/24");
            s.putArray("pools").addObject().put("pool", net + "10 - " + net + "200");
            s.putArray("option-data").addObject().put("name", "routers").put("data", net + "1");
            ArrayNode hosts = s.putArray("reservations");
            for (int h = 0; h < RESERVATIONS_PER_SUBNET; h++) {
                hosts.addObject().put("hw-address", String.format("02:00:%02x:%02x:00:%02x", i / 256, i % 256, h + 1))
                        .put("ip-address", net + (220 + h)).put("hostname", "host-" + i + "-" + h);
            }
        }
        return root;
    }

    /** The four writes, through Tandem or bare; each answers its time in nanoseconds. */
    private static final class Ops {
        private final Rpc rpc;
        private final Bare bare;
        private final OffsetClock clock;
        private final String server;
        private final String scope;
        private final String range;
        private String reservationRef;
        private String newScopeRef;
        /** The config the bare client set last. */
        private ObjectNode lastBare;

        Ops(Rpc rpc, Bare bare, OffsetClock clock, String server, String scope, String range) {
            this.rpc = rpc;
            this.bare = bare;
            this.clock = clock;
            this.server = server;
            this.scope = scope;
            this.range = range;
        }

        long[] run(String write, boolean viaTandem, int round) throws IOException {
            String mac = String.format("02:ff:00:00:%02x:01", Math.floorMod(round, 256));
            String ip = "10.0.0.250";
            String host = "bench-" + Math.floorMod(round, 1000);
            if (viaTandem) {
                // Past RECENT_READ: no read of the last seconds stands in for a fresh one, as for a change made on its own.
                clock.advance(ChangeEngine.RECENT_READ.plusSeconds(1));
                long t0 = System.nanoTime();
                switch (write) {
                    case "AddDHCPReservation" -> reservationRef = rpc.call(write, "{\"owner\":\"" + scope + "\",\"dhcpReservation\":{\"name\":\"" + host
                            + "\",\"clientIdentifier\":\"" + mac + "\",\"addresses\":[\"" + ip + "\"]}}").path("ref").asText();
                    case "RemoveDHCPReservation" -> rpc.call(write, "{\"dhcpReservationRef\":\"" + reservationRef + "\"}");
                    case "AddDHCPScope" -> newScopeRef = rpc.call(write, "{\"dhcpScope\":{\"rangeRef\":\"" + range + "\",\"dhcpServerRef\":\"" + server
                            + "\"},\"dhcpAddressPools\":[{\"from\":\"10.255.0.10\",\"to\":\"10.255.0.200\"}]}").path("ref").asText();
                    case "RemoveDHCPScope" -> rpc.call(write, "{\"dhcpScopeRef\":\"" + newScopeRef + "\"}");
                    default -> throw new IllegalArgumentException(write);
                }
                return new long[] {System.nanoTime() - t0};
            }
            long t0 = System.nanoTime();
            ObjectNode doc = (ObjectNode) bare.call("config-get", null);
            edit(doc, write, mac, ip, host);
            byte[] args = JSON.writeValueAsBytes(doc);
            long t1 = System.nanoTime();
            bare.ok("config-test", args);
            bare.ok("config-set", args);
            bare.ok("config-write", null);
            long end = System.nanoTime();
            lastBare = doc;
            return new long[] {end - t0, end - t1};
        }

        /**
         * The floor of a guarded write: the Control Agent calls a Tandem write makes, with nothing of Central's around
         * them, on the bare client's server, editing the config the bare client set last (as Central plans on the
         * config it set last). The commit stamp (status-get and statistic-get at once) beside config-test, config-set,
         * the stamp again, config-write; Kea runs one command at a time, so the stamp's calls queue with the others.
         */
        long floor(String write) throws IOException {
            ObjectNode doc = lastBare.deepCopy();
            edit(doc, write, "02:fe:00:00:00:01", "10.0.0.250", "floor");
            byte[] args = JSON.writeValueAsBytes(doc);
            ObjectNode statistic = JSON.createObjectNode().put("name", "declined-addresses");
            long t0 = System.nanoTime();
            var status = bare.callAsync("status-get", null);
            var sample = bare.callAsync("statistic-get", statistic);
            bare.ok("config-test", args);
            status.join();
            sample.join();
            bare.ok("config-set", args);
            status = bare.callAsync("status-get", null);
            sample = bare.callAsync("statistic-get", statistic);
            status.join();
            sample.join();
            bare.ok("config-write", null);
            long end = System.nanoTime();
            lastBare = doc;
            return end - t0;
        }

        /** The bare client's edit of one write on a config-get document: the JSON tree changed in place. */
        private static void edit(ObjectNode doc, String write, String mac, String ip, String host) {
            ArrayNode subnets = (ArrayNode) doc.path("Dhcp4").path("subnet4");
            switch (write) {
                case "AddDHCPReservation" -> ((ArrayNode) subnetOf(subnets, "10.0.0.0/24").withArray("reservations")).addObject()
                        .put("hw-address", mac).put("ip-address", ip).put("hostname", host);
                case "RemoveDHCPReservation" -> {
                    ArrayNode hosts = (ArrayNode) subnetOf(subnets, "10.0.0.0/24").withArray("reservations");
                    removeWhere(hosts, h -> ip.equals(h.path("ip-address").asText()));
                }
                case "AddDHCPScope" -> {
                    long max = 0;
                    for (JsonNode s : subnets) {
                        max = Math.max(max, s.path("id").asLong());
                    }
                    ObjectNode s = subnets.addObject();
                    s.put("id", max + 1).put("subnet", NEW_SUBNET);
                    s.putArray("pools").addObject().put("pool", "10.255.0.10-10.255.0.200");
                }
                case "RemoveDHCPScope" -> removeWhere(subnets, s -> NEW_SUBNET.equals(s.path("subnet").asText()));
                default -> throw new IllegalArgumentException(write);
            }
        }

        private static ObjectNode subnetOf(ArrayNode subnets, String prefix) {
            for (JsonNode s : subnets) {
                if (prefix.equals(s.path("subnet").asText())) {
                    return (ObjectNode) s;
                }
            }
            throw new IllegalStateException("no subnet " + prefix);
        }

        private static void removeWhere(ArrayNode list, java.util.function.Predicate<JsonNode> match) {
            for (int i = list.size() - 1; i >= 0; i--) {
                if (match.test(list.get(i))) {
                    list.remove(i);
                }
            }
        }
    }

    /** Central's clock: the system's, moved on by hand. */
    private static final class OffsetClock extends Clock {
        private final AtomicLong offsetMillis = new AtomicLong();

        void advance(Duration d) {
            offsetMillis.addAndGet(d.toMillis());
        }

        @Override
        public Instant instant() {
            return Instant.now().plusMillis(offsetMillis.get());
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** A minimal Control Agent client: JSON bodies in and out, nothing else. */
    private static final class Bare {
        private final URI url;
        private final HttpClient http = HttpClient.newHttpClient();

        Bare(URI url) {
            this.url = url;
        }

        JsonNode call(String command, Object arguments) throws IOException {
            byte[] body;
            if (arguments == null) {
                body = ("{\"command\":\"" + command + "\",\"service\":[\"dhcp4\"]}").getBytes();
            } else {
                byte[] args = arguments instanceof byte[] b ? b : JSON.writeValueAsBytes(arguments);
                byte[] head = ("{\"command\":\"" + command + "\",\"service\":[\"dhcp4\"],\"arguments\":").getBytes();
                body = new byte[head.length + args.length + 1];
                System.arraycopy(head, 0, body, 0, head.length);
                System.arraycopy(args, 0, body, head.length, args.length);
                body[body.length - 1] = '}';
            }
            HttpResponse<byte[]> r;
            try {
                r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(5)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            JsonNode answer = JSON.readTree(r.body()).path(0);
            int result = answer.path("result").asInt(-1);
            if (result != 0 && !(result == 3 && command.equals("config-write"))) {
                throw new IOException(command + " failed: " + answer);
            }
            return answer.has("arguments") ? answer.get("arguments") : answer;
        }

        void ok(String command, Object arguments) throws IOException {
            call(command, arguments);
        }

        /** The same call sent without waiting for it (the floor sends the stamp's two calls at once). */
        CompletableFuture<JsonNode> callAsync(String command, Object arguments) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return call(command, arguments);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** JSON-RPC calls as the administrator, with no client-side time limit short of ten minutes. */
    private static final class Rpc {
        private final TestCentral central;
        private final String session;
        private final HttpClient http = HttpClient.newHttpClient();

        Rpc(TestCentral central) {
            this.central = central;
            this.session = central.login("administrator", TestCentral.ADMIN_PASSWORD);
        }

        JsonNode call(String method, String params) {
            JsonNode answer;
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(central.base() + "/mmws/json")).timeout(Duration.ofMinutes(10))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method
                                + "\",\"params\":{\"session\":\"" + session + "\"," + params.substring(1) + "}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                answer = JSON.readTree(r.body());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(method + " failed: " + e, e);
            }
            if (answer.has("error")) {
                throw new IllegalStateException(method + " failed: " + answer.path("error"));
            }
            return answer.path("result");
        }

        /** The ref of the synced scope on this subnet. */
        String scopeOf(String subnet) {
            JsonNode scopes = call("GetDHCPScopes", "{\"filter\":\"from=" + subnet.substring(0, subnet.indexOf('/')) + "\"}").path("dhcpScopes");
            if (scopes.size() != 1) {
                throw new IllegalStateException("not one synced scope for " + subnet + ": " + scopes);
            }
            return scopes.get(0).path("ref").asText();
        }
    }
}
