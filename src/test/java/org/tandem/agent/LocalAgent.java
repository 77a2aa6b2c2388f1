package org.tandem.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real Tandem agent on loopback over a dhcpd.conf in a temp directory, for tests whose Central must reach
 * a dhcpd server without a network namespace: {@code dhcpd -t} is the real validator (it needs no root), the
 * restart command does nothing, and the "running dhcpd" is this JVM (its pid in the pid file).
 */
public final class LocalAgent implements AutoCloseable {

    public static final String TOKEN = "local-agent-token-0123456789";
    public static final String INITIAL = "# dhcpd.conf of a LocalAgent test server\nddns-update-style none;\n";

    private final Path dir;
    private final AgentServer server;

    private LocalAgent(Path dir, AgentServer server) {
        this.dir = dir;
        this.server = server;
    }

    public static LocalAgent start() {
        return start("true");
    }

    /**
     * An agent whose restart runs {@code restartCommand} ({@code sh -c}, in the agent's directory, which holds
     * {@code dhcpd.conf}); a command that fails stands in for a dhcpd that does not come back.
     */
    public static LocalAgent start(String restartCommand) {
        try {
            Path dir = Files.createTempDirectory("tandem-local-agent");
            Path conf = dir.resolve("dhcpd.conf");
            Files.writeString(conf, INITIAL);
            Path pid = dir.resolve("dhcpd.pid");
            Files.writeString(pid, Long.toString(ProcessHandle.current().pid()));
            AgentSettings settings = new AgentSettings("127.0.0.1", 0, conf, null, "cd '" + dir + "' && " + restartCommand, null, 0, null, pid, TOKEN,
                    "dhcpd", 3, Duration.ofSeconds(5), Duration.ofMillis(50));
            return new LocalAgent(dir, new AgentServer(settings, Clock.systemUTC()).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.port();
    }

    public Path conf() {
        return dir.resolve("dhcpd.conf");
    }

    public String confText() {
        try {
            return Files.readString(conf());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON-RPC {@code dhcpServer} object registering this agent's server under {@code name}. */
    public String serverJson(String name) {
        return "{\"name\":\"" + name + "\",\"type\":\"ISC\",\"address\":\"127.0.0.1\",\"port\":" + port()
                + ",\"agentToken\":\"" + TOKEN + "\"}";
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
