package org.tandem.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.client.KeaProtocolError;
import org.tandem.kea.hooks.KeaHookLocator;
import org.tandem.tls.ClientTrust;
import org.tandem.tls.ServerIdentity;

/**
 * Starts a real Kea 2.2 pair on this machine: two kea-dhcp4 daemons, each behind its own kea-ctrl-agent on a free
 * loopback port, with configs, sockets, pid files and leases in a fresh temp directory. Optionally each daemon runs
 * inside a network namespace and listens on a DHCP interface there (for perfdhcp). {@link #close()} stops every
 * process it started by its pid and deletes the directory; it is idempotent.
 */
public final class KeaLab implements AutoCloseable {

    /** The HA setup the pair starts with; NONE starts two independent servers (for HA creation through Tandem). */
    public enum HaSetup { NONE, LOAD_BALANCING, HOT_STANDBY, PASSIVE_BACKUP }

    /**
     * How to start the pair.
     *
     * @param ha the initial HA block, if any
     * @param heartbeatDelayMs HA heartbeat-delay (small values make tests and the lab fast)
     * @param maxResponseDelayMs HA max-response-delay
     * @param maxAckDelayMs HA max-ack-delay
     * @param maxUnackedClients HA max-unacked-clients (0: partner-down as soon as the partner is silent)
     * @param namespaces per server, a network namespace to run kea-dhcp4 in, or null for the host (loopback only)
     * @param interfaces per server, the interface kea-dhcp4 listens on for DHCP (inside its namespace), or null
     * @param dhcpAddresses per server, the address kea-dhcp4 uses in the namespace (its agent listens there too)
     * @param agentAuth HTTPS and this basic-auth client on both Control Agents, or null for plain HTTP without auth
     */
    public record Options(HaSetup ha, int heartbeatDelayMs, int maxResponseDelayMs, int maxAckDelayMs,
                          int maxUnackedClients, List<String> namespaces, List<String> interfaces, List<String> dhcpAddresses,
                          KeaEndpoint.BasicAuth agentAuth) {
        public Options {
            Objects.requireNonNull(ha, "ha");
            if (agentAuth != null && ha != HaSetup.NONE) {
                // The HA peers would need the certificate and the credentials too; the lab does not set that up.
                throw new IllegalArgumentException("agentAuth works with HaSetup.NONE only");
            }
        }

        public Options(HaSetup ha, int heartbeatDelayMs, int maxResponseDelayMs, int maxAckDelayMs, int maxUnackedClients,
                List<String> namespaces, List<String> interfaces, List<String> dhcpAddresses) {
            this(ha, heartbeatDelayMs, maxResponseDelayMs, maxAckDelayMs, maxUnackedClients, namespaces, interfaces, dhcpAddresses, null);
        }

        /** Both Control Agents serve HTTPS with a certificate the lab generates ({@link #agentCertificate()}) and require basic auth. */
        public Options withAgentSecurity(String user, String password) {
            return new Options(ha, heartbeatDelayMs, maxResponseDelayMs, maxAckDelayMs, maxUnackedClients, namespaces, interfaces, dhcpAddresses,
                    new KeaEndpoint.BasicAuth(user, password));
        }

        /** A loopback pair with the given HA setup and timers fast enough for tests (heartbeat 1 s). */
        public static Options loopback(HaSetup ha) {
            return new Options(ha, 1000, 2000, 1000, 0, null, null, null);
        }

        public Options withTimers(int heartbeatDelayMs, int maxResponseDelayMs) {
            return new Options(ha, heartbeatDelayMs, maxResponseDelayMs, maxAckDelayMs, maxUnackedClients, namespaces, interfaces, dhcpAddresses,
                    agentAuth);
        }

        /** Runs server i in namespace {@code namespaces.get(i)} serving DHCP on {@code interfaces.get(i)} at {@code addresses.get(i)}. */
        public Options inNamespaces(List<String> namespaces, List<String> interfaces, List<String> addresses) {
            return new Options(ha, heartbeatDelayMs, maxResponseDelayMs, maxAckDelayMs, maxUnackedClients, namespaces, interfaces, addresses,
                    agentAuth);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration START_DEADLINE = Duration.ofSeconds(20);

    private final Path dir;
    private final Options options;
    private final List<Node> nodes = new ArrayList<>();
    private boolean closed;

    private KeaLab(Path dir, Options options) {
        this.dir = dir;
        this.options = options;
    }

    /** Starts the pair and waits until both agents answer; on failure stops whatever started and rethrows. */
    public static KeaLab start(Options options) throws IOException {
        ensureRunKea();
        Path dir = Files.createTempDirectory("tandem-kea-");
        KeaLab lab = new KeaLab(dir, options);
        try {
            String hooks = KeaHookLocator.firstExistingDirectory(null)
                    .orElseThrow(() -> new IOException("no Kea hook directory with libdhcp_ha.so found in " + KeaHookLocator.DEFAULT_LOCATIONS))
                    .toString();
            for (int i = 0; i < 2; i++) {
                String host = options.dhcpAddresses() == null ? "127.0.0.1" : options.dhcpAddresses().get(i);
                int port = options.namespaces() == null ? freePort() : 8000 + i;
                lab.nodes.add(new Node(lab, i, "server" + (i + 1), host, port));
            }
            if (options.agentAuth() != null) {
                ServerIdentity.generate(new LinkedHashSet<>(List.of("127.0.0.1", "localhost")), Instant.now())
                        .write(lab.agentCertificate(), lab.dir.resolve("agent-key.pem"));
            }
            for (Node n : lab.nodes) {
                Files.writeString(n.configFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(lab.dhcpConfig(n, hooks)));
                Files.writeString(n.agentConfigFile, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(lab.agentConfig(n)));
            }
            for (Node n : lab.nodes) {
                n.startDhcp();
                n.startAgent();
            }
            for (Node n : lab.nodes) {
                n.awaitAgent();
            }
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private static void ensureRunKea() throws IOException {
        // Kea 2.2 wants /run/kea for its default socket and lock files, even though ours live elsewhere.
        Path run = Path.of("/run/kea");
        if (!Files.isDirectory(run)) {
            Files.createDirectories(run);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The PEM certificate both Control Agents present with {@code agentAuth} (self-signed, for 127.0.0.1). */
    public Path agentCertificate() {
        return dir.resolve("agent-certificate.pem");
    }

    /** The temp directory holding configs, sockets, pid files, leases and logs. */
    public Path dir() {
        return dir;
    }

    public Options options() {
        return options;
    }

    /** Server 0 is the primary ("server1"), server 1 the secondary or standby ("server2"). */
    public Node node(int i) {
        return nodes.get(i);
    }

    public List<Node> nodes() {
        return List.copyOf(nodes);
    }

    ObjectNode dhcpConfig(Node n, String hooksDir) {
        ObjectNode d = JSON.createObjectNode();
        ArrayNode ifaces = d.putObject("interfaces-config").putArray("interfaces");
        if (options.interfaces() != null) {
            ifaces.add(options.interfaces().get(n.index));
        }
        ObjectNode cs = d.putObject("control-socket");
        cs.put("socket-type", "unix");
        cs.put("socket-name", n.controlSocket.toString());
        ObjectNode ld = d.putObject("lease-database");
        ld.put("type", "memfile");
        ld.put("persist", true);
        ld.put("name", dir.resolve("leases-" + n.name + ".csv").toString());
        ld.put("lfc-interval", 0);
        d.put("valid-lifetime", 600);
        d.put("renew-timer", 300);
        d.put("rebind-timer", 500);
        ArrayNode hooks = d.putArray("hooks-libraries");
        hooks.addObject().put("library", hooksDir + "/libdhcp_lease_cmds.so");
        if (options.ha() != HaSetup.NONE) {
            ObjectNode ha = hooks.addObject();
            ha.put("library", hooksDir + "/libdhcp_ha.so");
            ObjectNode rel = ha.putObject("parameters").putArray("high-availability").addObject();
            rel.put("this-server-name", n.name);
            rel.put("mode", switch (options.ha()) {
                case LOAD_BALANCING -> "load-balancing";
                case HOT_STANDBY -> "hot-standby";
                default -> "passive-backup";
            });
            rel.put("heartbeat-delay", options.heartbeatDelayMs());
            rel.put("max-response-delay", options.maxResponseDelayMs());
            rel.put("max-ack-delay", options.maxAckDelayMs());
            rel.put("max-unacked-clients", options.maxUnackedClients());
            ArrayNode peers = rel.putArray("peers");
            for (Node p : nodes) {
                ObjectNode peer = peers.addObject();
                peer.put("name", p.name);
                peer.put("url", p.agentUrl().toString());
                peer.put("role", p.index == 0 ? "primary" : switch (options.ha()) {
                    case LOAD_BALANCING -> "secondary";
                    case HOT_STANDBY -> "standby";
                    default -> "backup";
                });
                peer.put("auto-failover", true);
            }
        }
        ArrayNode subnets = d.putArray("subnet4");
        ObjectNode s = subnets.addObject();
        s.put("id", 1);
        s.put("subnet", "192.0.2.0/24");
        ArrayNode pools = s.putArray("pools");
        if (options.ha() == HaSetup.LOAD_BALANCING) {
            pools.addObject().put("pool", "192.0.2.10 - 192.0.2.99").put("client-class", "HA_server1");
            pools.addObject().put("pool", "192.0.2.100 - 192.0.2.189").put("client-class", "HA_server2");
        } else {
            pools.addObject().put("pool", "192.0.2.10 - 192.0.2.189");
        }
        s.putArray("option-data").addObject().put("name", "routers").put("data", "192.0.2.1");
        ArrayNode loggers = d.putArray("loggers");
        ObjectNode logger = loggers.addObject();
        logger.put("name", "kea-dhcp4");
        logger.put("severity", "INFO");
        logger.putArray("output_options").addObject().put("output", dir.resolve("kea-dhcp4-" + n.name + ".log").toString());
        ObjectNode root = JSON.createObjectNode();
        root.set("Dhcp4", d);
        return root;
    }

    ObjectNode agentConfig(Node n) {
        ObjectNode a = JSON.createObjectNode();
        a.put("http-host", n.host);
        a.put("http-port", n.port);
        KeaEndpoint.BasicAuth security = options.agentAuth();
        if (security != null) {
            // Kea 2.2 wants all three files once one is given; the trust anchor only checks client
            // certificates, which cert-required false leaves optional.
            a.put("trust-anchor", agentCertificate().toString());
            a.put("cert-file", agentCertificate().toString());
            a.put("key-file", dir.resolve("agent-key.pem").toString());
            a.put("cert-required", false);
            ObjectNode auth = a.putObject("authentication");
            auth.put("type", "basic");
            auth.put("realm", "tandem-lab");
            auth.putArray("clients").addObject().put("user", security.user()).put("password", security.password());
        }
        ObjectNode sock = a.putObject("control-sockets").putObject("dhcp4");
        sock.put("socket-type", "unix");
        sock.put("socket-name", n.controlSocket.toString());
        ObjectNode logger = a.putArray("loggers").addObject();
        logger.put("name", "kea-ctrl-agent");
        logger.put("severity", "WARN");
        logger.putArray("output_options").addObject().put("output", dir.resolve("kea-ctrl-agent-" + n.name + ".log").toString());
        ObjectNode root = JSON.createObjectNode();
        root.set("Control-agent", a);
        return root;
    }

    /** Stops every process this lab started (by pid) and deletes its directory. Safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Node n : nodes) {
            n.stopAgent();
            n.stopDhcp();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // the directory may be gone already
        }
    }

    /** One Kea server of the pair: kea-dhcp4 plus its Control Agent. */
    public static final class Node {
        private final KeaLab lab;
        private final int index;
        private final String name;
        private final String host;
        private final int port;
        private final Path configFile;
        private final Path agentConfigFile;
        private final Path controlSocket;
        private Process dhcp;
        private Process agent;

        Node(KeaLab lab, int index, String name, String host, int port) {
            this.lab = lab;
            this.index = index;
            this.name = name;
            this.host = host;
            this.port = port;
            this.configFile = lab.dir.resolve("kea-dhcp4-" + name + ".conf");
            this.agentConfigFile = lab.dir.resolve("kea-ctrl-agent-" + name + ".conf");
            this.controlSocket = lab.dir.resolve("kea4-" + name + ".sock");
        }

        /** The HA peer name and server name ("server1", "server2"). */
        public String name() {
            return name;
        }

        public URI agentUrl() {
            return URI.create((lab.options.agentAuth() == null ? "http://" : "https://") + host + ":" + port + "/");
        }

        public Path controlSocket() {
            return controlSocket;
        }

        public Path configFile() {
            return configFile;
        }

        /** The Control Agent, with the lab's credentials when it requires them (HTTPS trusts {@link ClientTrust#current()}). */
        public KeaEndpoint.ControlAgent agentEndpoint() {
            return new KeaEndpoint.ControlAgent(agentUrl(), lab.options.agentAuth(), KeaEndpoint.DEFAULT_TIMEOUT);
        }

        public KeaEndpoint.UnixSocket socketEndpoint() {
            return KeaEndpoint.UnixSocket.of(controlSocket);
        }

        public long dhcpPid() {
            return dhcp == null ? -1 : dhcp.pid();
        }

        public boolean dhcpRunning() {
            return dhcp != null && dhcp.isAlive();
        }

        private List<String> inNamespace(List<String> cmd) {
            if (lab.options.namespaces() == null) {
                return cmd;
            }
            List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", lab.options.namespaces().get(index)));
            full.addAll(cmd);
            return full;
        }

        private Process launch(List<String> cmd, String log) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(inNamespace(cmd));
            pb.environment().put("KEA_PIDFILE_DIR", lab.dir.toString());
            pb.environment().put("KEA_LOCKFILE_DIR", lab.dir.toString());
            pb.redirectErrorStream(true);
            pb.redirectOutput(ProcessBuilder.Redirect.appendTo(lab.dir.resolve(log).toFile()));
            return pb.start();
        }

        /** Starts kea-dhcp4 and waits until its control socket answers. */
        public synchronized void startDhcp() throws IOException {
            if (dhcpRunning()) {
                return;
            }
            Files.deleteIfExists(controlSocket);
            dhcp = launch(List.of("kea-dhcp4", "-c", configFile.toString()), "kea-dhcp4-" + name + ".out");
            KeaClient c = new KeaClient(name, new KeaEndpoint.UnixSocket(controlSocket, Duration.ofSeconds(5)));
            awaitAnswer(c, () -> dhcp.isAlive(), "kea-dhcp4");
        }

        synchronized void startAgent() throws IOException {
            agent = launch(List.of("kea-ctrl-agent", "-c", agentConfigFile.toString()), "kea-ctrl-agent-" + name + ".out");
        }

        void awaitAgent() throws IOException {
            if (lab.options.agentAuth() != null) {
                awaitSecureAgent();
                return;
            }
            KeaClient c = new KeaClient(name, new KeaEndpoint.ControlAgent(agentUrl(), null, Duration.ofSeconds(5)));
            awaitAnswer(c, () -> agent.isAlive(), "kea-ctrl-agent");
        }

        /**
         * Waits for the HTTPS agent with a client of its own that trusts the lab's certificate: Tandem's clients trust
         * what the process installed, which the lab must not change.
         */
        private void awaitSecureAgent() throws IOException {
            KeaEndpoint.BasicAuth security = lab.options.agentAuth();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
                    .sslContext(ClientTrust.of("agentCertificate", lab.agentCertificate()).sslContext()).build();
            HttpRequest request = HttpRequest.newBuilder(agentUrl()).timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (security.user() + ":" + security.password()).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"version-get\",\"service\":[\"dhcp4\"]}")).build();
            Instant deadline = Instant.now().plus(START_DEADLINE);
            while (true) {
                if (!agent.isAlive()) {
                    throw new IOException("kea-ctrl-agent for " + name + " exited at start; see " + lab.dir);
                }
                try {
                    if (http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IOException("kea-ctrl-agent for " + name + " did not answer over HTTPS within " + START_DEADLINE.toSeconds() + " s", e);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new IOException("kea-ctrl-agent for " + name + " did not accept the lab's credentials within " + START_DEADLINE.toSeconds() + " s");
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }

        private void awaitAnswer(KeaClient c, java.util.function.BooleanSupplier alive, String what) throws IOException {
            Instant deadline = Instant.now().plus(START_DEADLINE);
            while (true) {
                if (!alive.getAsBoolean()) {
                    throw new IOException(what + " for " + name + " exited at start; see " + lab.dir);
                }
                try {
                    c.ok("version-get", null, false);
                    return;
                } catch (KeaProtocolError e) {
                    if (Instant.now().isAfter(deadline)) {
                        throw new IOException(what + " for " + name + " did not answer within " + START_DEADLINE.toSeconds() + " s", e);
                    }
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }

        /** Kills kea-dhcp4 at once (SIGKILL), as a crash would; its agent keeps running. */
        public synchronized void killDhcp() {
            if (dhcp != null) {
                dhcp.destroyForcibly();
                waitQuietly(dhcp);
            }
        }

        synchronized void stopDhcp() {
            stop(dhcp);
        }

        synchronized void stopAgent() {
            stop(agent);
        }

        private static void stop(Process p) {
            if (p == null || !p.isAlive()) {
                return;
            }
            p.destroy();
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    waitQuietly(p);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private static void waitQuietly(Process p) {
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
