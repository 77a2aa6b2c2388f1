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

/**
 * A fake Kea HTTP endpoint on a free loopback port: answers each command with a canned body (captured from the real
 * Kea under src/test/resources/kea/, or a malformed one) and records every request it got.
 */
public final class FakeKea implements AutoCloseable {

    public record Request(String body, String contentType, String contentLength, String authorization) {}

    private final HttpServer server;
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final Map<String, Integer> statuses = new ConcurrentHashMap<>();
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
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(statuses.getOrDefault(command, 200), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
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
        server.stop(0);
    }
}
