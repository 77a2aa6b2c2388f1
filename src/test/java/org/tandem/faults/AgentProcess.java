package org.tandem.faults;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.tandem.Main;
import org.tandem.agent.AgentClient;
import org.tandem.lab.DhcpdLab;

/**
 * {@code tandem agent} for one lab dhcpd in a child JVM, so a test can SIGKILL, SIGSTOP and SIGCONT it.
 * It uses the lab's files, restart script, OMAPI key and token, and listens on a fixed loopback port
 * that survives restarts (the Central keeps its address). {@link #close()} kills it and removes its files.
 */
final class AgentProcess implements AutoCloseable {

    private static final Duration START_DEADLINE = Duration.ofSeconds(60);

    private final DhcpdLab.Server server;
    private final Path dir;
    private final int port;
    private Process process;

    AgentProcess(DhcpdLab lab, DhcpdLab.Server server) throws IOException {
        this.server = server;
        this.dir = Files.createTempDirectory("tandem-fault-agent-");
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String omapi = lab.omapiStatements();
        String key = omapi.substring(omapi.indexOf("key "), omapi.indexOf("}\n") + 2);
        secretFile("omapi.key", key);
        secretFile("token", server.agentToken());
    }

    private void secretFile(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Starts the agent and waits until it answers its health route. */
    void start() throws IOException, InterruptedException {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "agent",
                "--listen", "127.0.0.1:" + port, "--insecure-http", "--conf", server.conf().toString(), "--leases", server.leases().toString(),
                "--restart-command", server.restartScript().toString(), "--omapi", server.address() + ":" + DhcpdLab.OMAPI_PORT,
                "--omapi-key-file", dir.resolve("omapi.key").toString(), "--pid-file", server.pidFile().toString(),
                "--token-file", dir.resolve("token").toString());
        Path log = dir.resolve("agent.log");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Instant end = Instant.now().plus(START_DEADLINE);
        while (Instant.now().isBefore(end)) {
            if (!process.isAlive()) {
                throw new IOException("agent exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                new AgentClient(uri(), server.agentToken()).health();
                return;
            } catch (RuntimeException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IOException("agent did not answer within " + START_DEADLINE.toSeconds() + " s:\n" + Files.readString(log));
    }

    void kill() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** SIGSTOP: the process holds its sockets but answers nothing, as a hung agent would. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (process != null && process.isAlive()) {
                resume();
            }
            kill();
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
