package org.tandem.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator for the SQLite/PostgreSQL comparison (docs/benchmarks.md), over loopback REST as a Micetro client
 * pages: {@code scopes} = {@code GET /mmws/api/v2/dhcpScopes?filter=name:^16.<a>.&offset=<0|100|200>&limit=100}
 * (256 matches, pages of 100); {@code deep} = the unfiltered list at a random offset up to 99,900, limit 100 (a client
 * paging through all 100,000 scopes); {@code writes} = {@code POST /mmws/api/v2/ranges}, one new one-address range each.
 * Bounded by a request count and a time limit; prints latency percentiles and requests per second. Only ever sends to
 * 127.0.0.1. Usage: {@code CentralRestLoad <port> <password> <scopes|deep|writes> <requests> <concurrency> <maxSeconds>}.
 */
public final class CentralRestLoad {

    private static final Pattern SESSION = Pattern.compile("\"session\":\"([^\"]+)\"");
    private static final Pattern TOTAL = Pattern.compile("\"totalResults\":(\\d+)");
    /** Written ranges start here, far from the loaded scopes' 16.0.0.0/8 (each run takes the next free block). */
    private static final long WRITE_BASE = 0x2C000000L; // 44.0.0.0

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String password = args[1];
        String mode = args[2];
        int requests = Integer.parseInt(args[3]);
        int concurrency = Integer.parseInt(args[4]);
        long maxNanos = Duration.ofSeconds(Long.parseLong(args[5])).toNanos();
        if (requests < 1 || requests > 1_000_000 || concurrency < 1 || concurrency > 64) {
            throw new IllegalArgumentException("requests 1..1,000,000, concurrency 1..64");
        }
        if (!mode.equals("scopes") && !mode.equals("deep") && !mode.equals("writes")) {
            throw new IllegalArgumentException("mode is scopes, deep or writes, not " + mode);
        }
        String base = "http://127.0.0.1:" + port + "/mmws/api/v2";
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> login = send(http, HttpRequest.newBuilder(URI.create(base + "/micetro/sessions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"loginName\":\"administrator\",\"password\":\"" + password + "\"}")));
            Matcher m = SESSION.matcher(login.body());
            if (!m.find()) {
                throw new IllegalStateException("login failed: " + login.body());
            }
            String bearer = "Bearer " + m.group(1);
            // Each writes run takes addresses after those of earlier runs on the same database, found by name.
            long writeStart = mode.equals("writes") ? WRITE_BASE + existingWrites(http, base, bearer) : 0;
            if (!mode.equals("writes")) {
                run(http, base, bearer, mode, Math.min(1_000, requests), concurrency, maxNanos, "warm-up", 0);
            }
            run(http, base, bearer, mode, requests, concurrency, maxNanos, "measured", writeStart);
        }
    }

    private static long existingWrites(HttpClient http, String base, String bearer) {
        HttpResponse<String> r = send(http, HttpRequest.newBuilder(URI.create(base + "/ranges?limit=1&filter="
                + URLEncoder.encode("name:^bench-write-", StandardCharsets.UTF_8))).header("Authorization", bearer).GET());
        Matcher m = TOTAL.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("cannot count earlier writes: HTTP " + r.statusCode() + " " + r.body());
        }
        return Long.parseLong(m.group(1));
    }

    private static void run(HttpClient http, String base, String bearer, String mode, int requests, int concurrency, long maxNanos,
            String label, long writeStart) throws Exception {
        long[] latencies = new long[requests];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger firstError = new AtomicInteger();
        String[] errorText = new String[1];
        long start = System.nanoTime();
        long deadline = start + maxNanos;
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            Future<?>[] workers = new Future<?>[concurrency];
            for (int w = 0; w < concurrency; w++) {
                workers[w] = pool.submit(() -> {
                    int i;
                    while (System.nanoTime() < deadline && (i = next.getAndIncrement()) < requests) {
                        HttpRequest.Builder request = request(base, mode, i, writeStart).header("Authorization", bearer);
                        long t0 = System.nanoTime();
                        String failure;
                        try {
                            HttpResponse<String> answer = send(http, request);
                            failure = expected(mode, answer) ? null : "HTTP " + answer.statusCode() + " " + answer.body();
                        } catch (IllegalStateException e) {
                            // No answer within 30 s (SQLite's writer stall, docs/reliability.md) is an error and its latency.
                            failure = e.getMessage();
                        }
                        latencies[i] = System.nanoTime() - t0;
                        done.incrementAndGet();
                        if (failure != null && errors.incrementAndGet() == 1 && firstError.compareAndSet(0, 1)) {
                            errorText[0] = failure;
                        }
                    }
                    return null;
                });
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        int n = done.get();
        long[] sorted = Arrays.stream(latencies).filter(l -> l > 0).sorted().toArray();
        System.out.printf("%s %s: %d requests, %d concurrent, %.1f s, %.0f req/s, errors %d%s%n", mode, label, n, concurrency, seconds,
                n / seconds, errors.get(), errorText[0] == null ? "" : " (first: " + clip(errorText[0]) + ")");
        System.out.printf("%s %s: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms%n", mode, label,
                pct(sorted, 0.50), pct(sorted, 0.90), pct(sorted, 0.99), sorted[sorted.length - 1] / 1e6);
    }

    private static HttpRequest.Builder request(String base, String mode, int i, long writeStart) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return switch (mode) {
            case "scopes" -> HttpRequest.newBuilder(URI.create(base + "/dhcpScopes?filter="
                    + URLEncoder.encode("name:^16." + random.nextInt(256) + ".", StandardCharsets.UTF_8)
                    + "&offset=" + 100 * random.nextInt(3) + "&limit=100")).GET();
            case "deep" -> HttpRequest.newBuilder(URI.create(base + "/dhcpScopes?offset=" + 100 * random.nextInt(1_000) + "&limit=100")).GET();
            default -> {
                long a = writeStart + i;
                String address = (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + "." + (a & 255);
                yield HttpRequest.newBuilder(URI.create(base + "/ranges")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"range\":{\"name\":\"bench-write-" + a + "\",\"from\":\"" + address
                                + "\",\"to\":\"" + address + "\"}}"));
            }
        };
    }

    /** A filtered page lists 256 matches; a deep page 100,000 (the loaded scopes); a write is created. */
    private static boolean expected(String mode, HttpResponse<String> answer) {
        return switch (mode) {
            case "scopes" -> answer.statusCode() == 200 && answer.body().contains("\"totalResults\":256");
            case "deep" -> answer.statusCode() == 200 && answer.body().contains("\"totalResults\":100000");
            default -> answer.statusCode() == 201;
        };
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] / 1e6;
    }

    private static String clip(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
