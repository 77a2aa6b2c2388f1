package org.tandem.kea;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fake Kea HTTP endpoint on a free loopback port: answers each command with a canned body (captured from the real
 * Kea under src/test/resources/kea/, or a malformed one) and records every request it got.
 */
public final class FakeKea implements AutoCloseable {

    public record Request(String body, String contentType, String contentLength, String authorization) {}

    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
    private final Map<String, Held> holds = new ConcurrentHashMap<>();
    private final List<Held> held = java.util.Collections.synchronizedList(new ArrayList<>());
    /** Requests run side by side, as Kea's Control Agent takes them (one held does not stop the others). */
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = java.util.Collections.synchronizedList(new ArrayList<>());

    public FakeKea() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            requests.add(new Request(body, ex.getRequestHeaders().getFirst("Content-Type"),
                    ex.getRequestHeaders().getFirst("Content-Length"), ex.getRequestHeaders().getFirst("Authorization")));
            String command = body.replaceAll("(?s).*\"command\"\\s*:\\s*\"([^\"]+)\".*", "$1");
            String answer = answers.getOrDefault(command, "[{\"result\":2,\"text\":\"'" + command + "' command not supported.\"}]");
            Held h = holds.remove(command);
            if (h != null) {
                h.hold();
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(statuses.getOrDefault(command, 200), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    /**
     * A request held between the moment Kea decided its answer and the moment the client gets it, as a config-get of
     * thousands of subnets is while it streams and parses and the next command already runs.
     */
    public static final class Held {
        private final CountDownLatch arrived = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        private void hold() {
            arrived.countDown();
            try {
                if (!released.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held answer never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Waits (up to 10 s) until the held request has come and its answer is decided. */
        public void awaitArrived() throws InterruptedException {
            if (!arrived.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("the held request never came");
            }
        }

        public void release() {
            released.countDown();
        }
    }

    /** The next {@code command} is answered with what the fake would answer when it arrives, but sent only once released. */
    public Held hold(String command) {
        Held h = new Held();
        held.add(h);
        holds.put(command, h);
        return h;
    }

    /** A started fake, for field initializers (which cannot throw IOException). */
    public static FakeKea started() {
        try {
            return new FakeKea();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    public FakeKea answer(String command, String body) {
        answers.put(command, body);
        return this;
    }

    public FakeKea answerFile(String command, String resource) {
        return answer(command, resource(resource));
    }

    public FakeKea status(String command, int status) {
        statuses.put(command, status);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<String> commands() {
        return requests().stream().map(r -> r.body().replaceAll("(?s).*\"command\"\\s*:\\s*\"([^\"]+)\".*", "$1")).toList();
    }

    public static String resource(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/kea", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        List.copyOf(held).forEach(Held::release);
        server.stop(0);
        executor.shutdownNow();
    }
}
