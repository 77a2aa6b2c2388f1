package org.tandem.faults;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.tandem.central.TestCentral;
import org.tandem.net.Ipv4Address;

/**
 * Clients writing ranges to a Central through its API, each remembering only the writes whose answer said they
 * succeeded, and the look-up of those writes afterwards. Client {@code c} writes the one-address ranges
 * {@code dk-c<c>-<n>} at 10.0.0.0 + c * 2^20 + n, n counting up across batches so that no name or address is
 * written twice (a write whose answer never came may or may not be stored; it is never retried). Even clients
 * use REST ({@code POST /mmws/api/v2/ranges}, Bearer session), odd ones JSON-RPC {@code AddRange}, so both
 * front doors are covered.
 */
final class AcknowledgedWrites {

    /** One write the Central answered with success: the range's name, its address and the batch (kill) it came in. */
    record Write(String name, String address, int batch) {}

    /** What a batch of clients did until stopped. */
    record Batch(int acknowledged, int unanswered, int refused, List<String> refusals, List<String> unansweredWhy) {}

    static final int MAX_CLIENTS = 16;
    private static final int PER_CLIENT = 1 << 20;
    private static final long BASE = Ipv4Address.parse("base", "10.0.0.0").value();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** The largest page the list commands answer (ListQuery.MAX_LIMIT). */
    private static final int PAGE = 10_000;

    private final ConcurrentLinkedQueue<Write> acknowledged = new ConcurrentLinkedQueue<>();
    private final int[] next = new int[MAX_CLIENTS];
    private final String password;

    AcknowledgedWrites(String password) {
        this.password = password;
    }

    /** Every acknowledged write so far. */
    List<Write> acknowledged() {
        return List.copyOf(acknowledged);
    }

    /** Clients writing to one Central until {@link #stop()}; each logs in first. */
    final class Running implements AutoCloseable {
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger acked = new AtomicInteger();
        private final AtomicInteger unanswered = new AtomicInteger();
        private final AtomicInteger refused = new AtomicInteger();
        private final AtomicInteger loggedIn = new AtomicInteger();
        private final ConcurrentLinkedQueue<String> refusals = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> unansweredWhy = new ConcurrentLinkedQueue<>();
        private final ExecutorService pool;
        private final HttpClient http;
        private final List<Future<?>> clients = new ArrayList<>();
        private final int clientCount;

        private final boolean stopOnNoAnswer;

        private Running(String base, int clientCount, int batch, int maxWritesPerClient, boolean stopOnNoAnswer) {
            this.clientCount = clientCount;
            this.stopOnNoAnswer = stopOnNoAnswer;
            this.pool = Executors.newFixedThreadPool(clientCount);
            this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            for (int c = 0; c < clientCount; c++) {
                int client = c;
                clients.add(pool.submit(() -> write(base, client, batch, maxWritesPerClient)));
            }
        }

        private void write(String base, int client, int batch, int maxWrites) {
            String session;
            try {
                session = login(http, base, password);
            } catch (RuntimeException e) {
                // The Central was killed before this client got in; it wrote nothing.
                return;
            }
            loggedIn.incrementAndGet();
            boolean rest = client % 2 == 0;
            for (int i = 0; i < maxWrites && !stop.get(); i++) {
                int n;
                synchronized (next) {
                    n = next[client]++;
                }
                if (n >= PER_CLIENT) {
                    throw new IllegalStateException("client " + client + " ran out of addresses");
                }
                String name = "dk-c" + client + "-" + n;
                String address = new Ipv4Address(BASE + (long) client * PER_CLIENT + n).toString();
                String range = "{\"name\":\"" + name + "\",\"from\":\"" + address + "\",\"to\":\"" + address + "\"}";
                TestCentral.Answer a;
                try {
                    a = rest
                            ? TestCentral.send(http, base, "POST", "/mmws/api/v2/ranges", "{\"range\":" + range + "}", "Bearer " + session, REQUEST_TIMEOUT)
                            : TestCentral.send(http, base, "POST", "/mmws/json", "{\"jsonrpc\":\"2.0\",\"id\":" + n
                                    + ",\"method\":\"AddRange\",\"params\":{\"session\":\"" + session + "\",\"range\":" + range + "}}", null, REQUEST_TIMEOUT);
                } catch (RuntimeException e) {
                    // No answer (the Central died under it, or dropped the connection): stored or not, nobody was told it
                    // succeeded. Under kills the client stops here, so each leaves at most one such write per batch.
                    unanswered.incrementAndGet();
                    if (unansweredWhy.size() < 10) {
                        unansweredWhy.add(name + ": " + e.getMessage());
                    }
                    if (stopOnNoAnswer) {
                        return;
                    }
                    continue;
                }
                boolean ok = rest ? a.status() == 201 : a.status() == 200 && a.body() != null && a.body().has("result");
                if (ok) {
                    acknowledged.add(new Write(name, address, batch));
                    acked.incrementAndGet();
                } else {
                    refused.incrementAndGet();
                    if (refusals.size() < 10) {
                        refusals.add(name + ": HTTP " + a.status() + " " + a.text());
                    }
                }
            }
        }

        /** Acknowledged writes of this batch so far. */
        int acknowledgedSoFar() {
            return acked.get();
        }

        int loggedIn() {
            return loggedIn.get();
        }

        int clients() {
            return clientCount;
        }

        /** Stops the clients (call after the kill: a request in flight then fails) and waits for them, bounded. */
        Batch stop() throws Exception {
            stop.set(true);
            return finish(Duration.ofSeconds(REQUEST_TIMEOUT.toSeconds() + 30));
        }

        /** Waits for the clients to write all they were to write, at most {@code limit}, without stopping them. */
        Batch finish(Duration limit) throws Exception {
            pool.shutdown();
            if (!pool.awaitTermination(limit.toSeconds(), TimeUnit.SECONDS)) {
                stop.set(true);
                pool.shutdownNow();
                throw new IllegalStateException("clients still writing " + limit.toSeconds() + " s later");
            }
            for (Future<?> f : clients) {
                f.get();
            }
            return new Batch(acked.get(), unanswered.get(), refused.get(), List.copyOf(refusals), List.copyOf(unansweredWhy));
        }

        @Override
        public void close() {
            stop.set(true);
            pool.shutdownNow();
            http.close();
        }
    }

    /**
     * Starts {@code clients} writers on the Central at {@code base}, each writing at most {@code maxWritesPerClient}; a
     * client stops at its first write without an answer when {@code stopOnNoAnswer} (the Central is being killed).
     */
    Running start(String base, int clients, int batch, int maxWritesPerClient, boolean stopOnNoAnswer) {
        if (clients < 1 || clients > MAX_CLIENTS) {
            throw new IllegalArgumentException("1 to " + MAX_CLIENTS + " clients, not " + clients);
        }
        return new Running(base, clients, batch, maxWritesPerClient, stopOnNoAnswer);
    }

    /**
     * Deletes every acknowledged write through {@code DELETE /mmws/api/v2/ranges/{name}} from {@code clients} threads,
     * within {@code limit}; the number deleted (each answered 204).
     */
    int deleteAll(String base, int clients, Duration limit) throws Exception {
        List<Write> all = acknowledged();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger deleted = new AtomicInteger();
        long end = System.nanoTime() + limit.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
             ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    String session = login(http, base, password);
                    int i;
                    while ((i = next.getAndIncrement()) < all.size() && System.nanoTime() < end) {
                        TestCentral.Answer a = TestCentral.send(http, base, "DELETE", "/mmws/api/v2/ranges/" + all.get(i).name(), null,
                                "Bearer " + session, REQUEST_TIMEOUT);
                        if (a.status() != 204) {
                            throw new IllegalStateException("DELETE ranges/" + all.get(i).name() + " answered HTTP " + a.status() + ": " + a.text());
                        }
                        deleted.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : workers) {
                f.get();
            }
        }
        return deleted.get();
    }

    /** Logs in as the administrator over REST; the session. */
    static String login(HttpClient http, String base, String password) {
        TestCentral.Answer a = TestCentral.send(http, base, "POST", "/mmws/api/v2/micetro/sessions",
                "{\"loginName\":\"administrator\",\"password\":\"" + password + "\"}", null, REQUEST_TIMEOUT);
        if (a.status() != 201 || a.body() == null) {
            throw new IllegalStateException("login answered HTTP " + a.status() + ": " + a.text());
        }
        return a.body().path("result").path("session").asText();
    }

    /** The ranges list's totalResults (one page of one item). */
    static long rangeCount(HttpClient http, String base, String session) {
        return get(http, base, session, "/mmws/api/v2/ranges?limit=1").path("result").path("totalResults").asLong(-1);
    }

    /** Whether one range exists, looked up by name. */
    static boolean exists(HttpClient http, String base, String session, String name) {
        TestCentral.Answer a = TestCentral.send(http, base, "GET", "/mmws/api/v2/ranges/" + name, null, "Bearer " + session, REQUEST_TIMEOUT);
        if (a.status() == 404) {
            return false;
        }
        if (a.status() != 200) {
            throw new IllegalStateException("GET ranges/" + name + " answered HTTP " + a.status() + ": " + a.text());
        }
        return true;
    }

    /**
     * Every range the Central lists, as "name address", paging with offset and limit 10,000 (the largest page) until
     * totalResults are read; at most {@code maxPages} pages.
     */
    static Set<String> listAll(HttpClient http, String base, String session, int maxPages) {
        Set<String> found = new HashSet<>();
        long total = -1;
        for (int page = 0; page < maxPages; page++) {
            JsonNode result = get(http, base, session, "/mmws/api/v2/ranges?offset=" + (long) page * PAGE + "&limit=" + PAGE).path("result");
            total = result.path("totalResults").asLong();
            JsonNode items = result.path("ranges");
            for (JsonNode r : items) {
                found.add(r.path("name").asText() + " " + r.path("from").asText());
            }
            if (items.isEmpty() || (long) (page + 1) * PAGE >= total) {
                if (found.size() != total) {
                    throw new IllegalStateException("paged " + found.size() + " distinct ranges, totalResults says " + total);
                }
                return found;
            }
        }
        throw new IllegalStateException("more than " + maxPages + " pages of " + PAGE + " ranges (totalResults " + total + ")");
    }

    /** The acknowledged writes missing from a listing made by {@link #listAll}. */
    List<Write> lost(Set<String> listed) {
        List<Write> lost = new ArrayList<>();
        for (Write w : acknowledged) {
            if (!listed.contains(w.name() + " " + w.address())) {
                lost.add(w);
            }
        }
        return lost;
    }

    private static JsonNode get(HttpClient http, String base, String session, String path) {
        TestCentral.Answer a = TestCentral.send(http, base, "GET", path, null, "Bearer " + session, REQUEST_TIMEOUT);
        if (a.status() != 200 || a.body() == null) {
            throw new IllegalStateException("GET " + path + " answered HTTP " + a.status() + ": " + a.text());
        }
        return a.body();
    }
}
