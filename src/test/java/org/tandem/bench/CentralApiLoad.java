package org.tandem.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator for the "Central API" benchmark: GetDHCPScopes with a filter and limit 100 over
 * loopback JSON-RPC, from {@code concurrency} virtual threads, bounded by a request count and a time
 * limit. Prints latency percentiles. Only ever sends to 127.0.0.1.
 * Usage: {@code CentralApiLoad <port> <password> <requests> <concurrency> <maxSeconds>}.
 */
public final class CentralApiLoad {

    private static final Pattern SESSION = Pattern.compile("\"session\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String password = args[1];
        int requests = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        long maxNanos = Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
        if (requests < 1 || requests > 1_000_000 || concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("requests 1..1,000,000, concurrency 1..256");
        }
        URI uri = URI.create("http://127.0.0.1:" + port + "/mmws/json");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String login = post(http, uri, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Login\",\"params\":{\"loginName\":\"administrator\",\"password\":\"" + password + "\"}}");
        Matcher m = SESSION.matcher(login);
        if (!m.find()) {
            throw new IllegalStateException("login failed: " + login);
        }
        String session = m.group(1);

        run(http, uri, session, Math.min(2_000, requests), concurrency, maxNanos, "warm-up");
        run(http, uri, session, requests, concurrency, maxNanos, "measured");
    }

    private static void run(HttpClient http, URI uri, String session, int requests, int concurrency, long maxNanos, String label) throws Exception {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                workers.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                        // 16.<a>.x.0/24 for x = 0..255: 256 matches, of which the first 100 come back.
                        int a = ThreadLocalRandom.current().nextInt(256);
                        String body = "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"GetDHCPScopes\",\"params\":{\"session\":\"" + session
                                + "\",\"filter\":\"name:^16." + a + ".\",\"limit\":100}}";
                        long t0 = System.nanoTime();
                        String answer = post(http, uri, body);
                        latencies[i] = System.nanoTime() - t0;
                        if (!answer.contains("\"totalResults\":256")) {
                            errors.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int done = Math.min(next.get(), requests);
        long[] sorted = Arrays.stream(latencies, 0, done).sorted().toArray();
        System.out.printf("%s: %d requests, %d concurrent, %.1f s, %.0f req/s, errors %d%n", label, done, Math.min(concurrency, done), seconds, done / seconds, errors.get());
        System.out.printf("%s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", label,
                pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static String post(HttpClient http, URI uri, String body) {
        try {
            HttpRequest r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            return http.send(r, HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "failed: " + e;
        }
    }
}
