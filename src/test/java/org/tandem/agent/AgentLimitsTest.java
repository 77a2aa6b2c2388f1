package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Issue 17, finding 11: concurrent large bodies ran the agent out of heap, and refused requests logged whole
 * 7,000-character paths as fast as a client could send them.
 */
class AgentLimitsTest {

    private static final String TOKEN = "limits-token-0123456789abcdef";
    private static final int LIMIT = 1024 * 1024;
    private static final int BODY = 800 * 1024;

    @TempDir
    Path dir;
    private AgentServer server;

    @BeforeEach
    void start() throws IOException {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "ddns-update-style none;\n");
        Path pid = Files.writeString(dir.resolve("dhcpd.pid"), Long.toString(ProcessHandle.current().pid()));
        AgentSettings settings = new AgentSettings("127.0.0.1", 0, conf, null, "true", null, 0, null, pid, TOKEN,
                "dhcpd", 3, Duration.ofSeconds(2), Duration.ofMillis(50));
        server = new AgentServer(settings, Clock.systemUTC(), LIMIT).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void largeBodies_overTheInFlightLimit_areRefusedWith503AtOnce_andAcceptedAgainOnceTheFirstIsDone() throws Exception {
        byte[] body = validateBody(BODY);
        try (Socket first = new Socket("127.0.0.1", server.port())) {
            first.setSoTimeout(30_000);
            OutputStream out = first.getOutputStream();
            // Headers and half the body: the agent reserves the whole declared length while it waits for the rest.
            out.write(headers("POST", "/v1/config/validate", body.length));
            out.write(body, 0, body.length / 2);
            out.flush();

            // Only once the first request holds its reservation may the second come: sent earlier, the second could be
            // dispatched first and the first refused instead.
            Instant deadline = Instant.now().plusSeconds(20);
            while (server.bodyBytesInFlight() < body.length && Instant.now().isBefore(deadline)) {
                Thread.sleep(10);
            }
            assertThat(server.bodyBytesInFlight()).as("the first request's body reserved").isEqualTo(body.length);
            assertThat(exchange(body)).as("a second 800 KiB body while the first is in flight under a 1 MiB limit")
                    .startsWith("HTTP/1.1 503")
                    .contains("Retry-After: 5").contains("\"kind\":\"BUSY\"").contains("nothing was done, retry");

            out.write(body, body.length / 2, body.length - body.length / 2);
            out.flush();
            assertThat(readAnswer(first.getInputStream())).startsWith("HTTP/1.1 200");
        }
        assertThat(exchange(body)).startsWith("HTTP/1.1 200");
    }

    @Test
    void floodOfUnauthenticatedRequestsWithLongPaths_logsABoundedNumberOfShortLines() throws Exception {
        Logger agentLog = (Logger) LoggerFactory.getLogger(AgentServer.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        agentLog.addAppender(logs);
        try {
            String path = "/v1/" + "x".repeat(7000);
            for (int i = 0; i < 200; i++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    s.setSoTimeout(10_000);
                    s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    assertThat(readAnswer(s.getInputStream())).startsWith("HTTP/1.1 401");
                }
            }
        } finally {
            agentLog.detachAppender(logs);
        }
        assertThat(logs.list).hasSizeBetween(1, 20);
        assertThat(logs.list).allSatisfy(e -> assertThat(e.getFormattedMessage()).hasSizeLessThan(400));
        assertThat(logs.list.get(0).getFormattedMessage()).contains("(7004 characters)");
    }

    private static byte[] validateBody(int size) {
        String prefix = "{\"content\":\"#";
        String suffix = "\\nddns-update-style none;\\n\"}";
        return (prefix + "x".repeat(size - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] headers(String method, String path, int length) {
        return (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN
                + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private String exchange(byte[] body) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write(headers("POST", "/v1/config/validate", body.length));
            try {
                out.write(body);
                out.flush();
            } catch (IOException closedEarly) {
                // A refusing agent may answer and close before it has read the body.
            }
            return readAnswer(s.getInputStream());
        }
    }

    private static String readAnswer(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
