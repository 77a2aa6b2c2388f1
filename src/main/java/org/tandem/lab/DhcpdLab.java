package org.tandem.lab;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.agent.AgentServer;
import org.tandem.agent.AgentSettings;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.omapi.FailoverStatus;
import org.tandem.omapi.OmapiClient;
import org.tandem.omapi.OmapiException;
import org.tandem.omapi.OmapiKey;

/**
 * Two real ISC dhcpd servers, each in its own network namespace, joined by a bridge in the root
 * namespace (which gets {@code .254}, so Central and agents here reach both), plus one in-process
 * Tandem agent per server. For {@code tandem lab} and the end-to-end tests; needs root, {@code ip}
 * and {@code dhcpd}. Every name carries a random suffix and the /24 is one no route on this host
 * uses inside 198.18.0.0/15, so several labs can run at once. {@link #close()} removes everything
 * it made (processes by pid, namespaces, veths, bridge, temp dir); it is idempotent and safe in a
 * finally block or a shutdown hook.
 */
public final class DhcpdLab implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DhcpdLab.class);
    /** OMAPI and failover ports are fixed per server: each server has its own namespace, so nothing clashes. */
    public static final int OMAPI_PORT = 7911;
    public static final int FAILOVER_PORT = 647;
    public static final String OMAPI_KEY_NAME = "tandem-lab";
    private static final Duration START_DEADLINE = Duration.ofSeconds(20);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One dhcpd server of the lab and its agent. */
    public record Server(
            String label, String namespace, String iface, String address, Path dir, Path conf, Path leases,
            Path pidFile, Path log, Path restartScript, URI agentUri, String agentToken) {

        /** OMAPI as reached from the root namespace. */
        public String omapiHost() {
            return address;
        }
    }

    private final String suffix;
    private final String bridge;
    private final String subnetPrefix;
    private final Path dir;
    private final OmapiKey omapiKey;
    private final String omapiSecret;
    private final List<Server> servers = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<String> rootLinks = new ArrayList<>();
    private final List<AgentServer> agents = new ArrayList<>();
    private final Thread shutdownHook;
    private boolean closed;

    private DhcpdLab() throws IOException {
        byte[] r = new byte[3];
        RANDOM.nextBytes(r);
        suffix = HexFormat.of().formatHex(r);
        bridge = "tlbr-" + suffix;
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        omapiSecret = Base64.getEncoder().encodeToString(secret);
        omapiKey = new OmapiKey(OMAPI_KEY_NAME, secret);
        dir = Files.createTempDirectory("tandem-lab-" + suffix + "-");
        subnetPrefix = pickSubnetPrefix();
        shutdownHook = new Thread(this::close, "dhcpd-lab-cleanup-" + suffix);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Builds the network, starts both dhcpd servers (no failover yet) and their agents. */
    public static DhcpdLab start() throws IOException, InterruptedException {
        DhcpdLab lab = new DhcpdLab();
        try {
            lab.build();
            return lab;
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build() throws IOException, InterruptedException {
        run("ip", "link", "add", bridge, "type", "bridge");
        rootLinks.add(bridge);
        run("ip", "addr", "add", rootAddress() + "/24", "dev", bridge);
        run("ip", "link", "set", bridge, "up");
        for (String label : List.of("a", "b")) {
            String ns = "tandem-lab-" + suffix + "-" + label;
            String rootEnd = "tv" + label + "-" + suffix;
            String nsEnd = "tn" + label + "-" + suffix;
            String address = subnetPrefix + "." + (label.equals("a") ? 1 : 2);
            run("ip", "netns", "add", ns);
            namespaces.add(ns);
            run("ip", "link", "add", rootEnd, "type", "veth", "peer", "name", nsEnd, "netns", ns);
            rootLinks.add(rootEnd);
            run("ip", "link", "set", rootEnd, "master", bridge, "up");
            run("ip", "-n", ns, "link", "set", "lo", "up");
            run("ip", "-n", ns, "addr", "add", address + "/24", "dev", nsEnd);
            run("ip", "-n", ns, "link", "set", nsEnd, "up");
            Path sdir = Files.createDirectories(dir.resolve(label));
            Path conf = sdir.resolve("dhcpd.conf");
            Path leases = sdir.resolve("dhcpd.leases");
            Path pid = sdir.resolve("dhcpd.pid");
            Path logFile = sdir.resolve("dhcpd.log");
            Path script = sdir.resolve("restart-dhcpd.sh");
            Files.writeString(conf, baseConfig());
            Files.writeString(leases, "");
            Files.writeString(script, restartScript(ns, nsEnd, conf, leases, pid, logFile));
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
            byte[] t = new byte[24];
            RANDOM.nextBytes(t);
            String token = HexFormat.of().formatHex(t);
            servers.add(new Server(label, ns, nsEnd, address, sdir, conf, leases, pid, logFile, script, null, token));
        }
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            startDhcpd(s);
            AgentServer agent = new AgentServer(agentSettings(s, s.restartScript().toString(), s.agentToken()), Clock.systemUTC()).start();
            agents.add(agent);
            servers.set(i, new Server(s.label(), s.namespace(), s.iface(), s.address(), s.dir(), s.conf(), s.leases(),
                    s.pidFile(), s.log(), s.restartScript(), URI.create("http://127.0.0.1:" + agent.port()), s.agentToken()));
        }
        log.info("dhcpd lab {} up: subnet {}.0/24, servers {} and {}, temp dir {}", suffix, subnetPrefix,
                servers.get(0).address(), servers.get(1).address(), dir);
    }

    /** Settings for an agent of {@code s} on 127.0.0.1 (a free port), e.g. with a different restart command. */
    public AgentSettings agentSettings(Server s, String restartCommand, String token) {
        return agentSettings(s, restartCommand, token, Duration.ofSeconds(20));
    }

    /** As {@link #agentSettings(Server, String, String)}, with the time dhcpd gets to run again after a restart. */
    public AgentSettings agentSettings(Server s, String restartCommand, String token, Duration restartDeadline) {
        return new AgentSettings("127.0.0.1", 0, s.conf(), s.leases(), restartCommand, s.address(), OMAPI_PORT, omapiKey,
                s.pidFile(), token, "dhcpd", 5, restartDeadline, Duration.ofSeconds(1));
    }

    /** Server "a" (meant as the failover primary). */
    public Server primary() {
        return servers.get(0);
    }

    /** Server "b" (meant as the failover secondary). */
    public Server secondary() {
        return servers.get(1);
    }

    public List<Server> servers() {
        return List.copyOf(servers);
    }

    /** The first three octets of the lab's /24, e.g. {@code 198.18.37}. */
    public String subnetPrefix() {
        return subnetPrefix;
    }

    /** The root namespace's address on the bridge ({@code .254}). */
    public String rootAddress() {
        return subnetPrefix + ".254";
    }

    /** The links this lab made in the root namespace: the bridge and the root ends of the veths. */
    public List<String> rootLinks() {
        return List.copyOf(rootLinks);
    }

    /** The lab's temp directory (configs, leases, pid files, logs, restart scripts). */
    public Path dir() {
        return dir;
    }

    public OmapiKey omapiKey() {
        return omapiKey;
    }

    /** The OMAPI statements every lab config needs: port, key block, omapi-key. */
    public String omapiStatements() {
        return "omapi-port " + OMAPI_PORT + ";\n"
                + "key " + OMAPI_KEY_NAME + " {\n  algorithm hmac-md5;\n  secret \"" + omapiSecret + "\";\n}\n"
                + "omapi-key " + OMAPI_KEY_NAME + ";\n";
    }

    /** A working config without failover: OMAPI plus the lab subnet with no pool. */
    public String baseConfig() {
        return "# Tandem lab " + suffix + "\n" + omapiStatements()
                + "ddns-update-style none;\ndefault-lease-time 600;\nmax-lease-time 7200;\n"
                + "subnet " + subnetPrefix + ".0 netmask 255.255.255.0 {\n}\n";
    }

    /** Opens an OMAPI connection to {@code s} from the root namespace. */
    public OmapiClient omapi(Server s) {
        return OmapiClient.connect(s.address(), OMAPI_PORT, omapiKey, Duration.ofSeconds(5));
    }

    /**
     * Polls {@code s} over OMAPI every 100 ms until it reports itself and its partner {@code normal} in
     * {@code relationship}; throws naming the last state seen when {@code deadline} passes first.
     */
    public void awaitNormal(Server s, String relationship, Duration deadline) throws InterruptedException {
        Instant end = Instant.now().plus(deadline);
        String last = "no answer";
        while (Instant.now().isBefore(end)) {
            try (OmapiClient c = omapi(s)) {
                FailoverStatus st = c.failoverState(relationship);
                if (st.localState() == DhcpdFailoverState.NORMAL && st.partnerState() == DhcpdFailoverState.NORMAL) {
                    return;
                }
                last = st.localState() + "/" + st.partnerState();
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("dhcpd " + s.label() + " did not reach normal/normal in " + relationship + " within "
                + deadline.toSeconds() + " s: " + last);
    }

    /** Starts (or restarts) the server's dhcpd with its restart script and waits until OMAPI answers. */
    public void startDhcpd(Server s) throws IOException, InterruptedException {
        run(s.restartScript().toString());
        Instant end = Instant.now().plus(START_DEADLINE);
        OmapiException last = null;
        while (Instant.now().isBefore(end)) {
            try {
                omapi(s).close();
                return;
            } catch (OmapiException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new IOException("dhcpd " + s.label() + " did not open OMAPI within " + START_DEADLINE.toSeconds() + " s ("
                + (last == null ? "" : last.getMessage()) + "); log:\n" + tail(s.log()), last);
    }

    /** Stops the server's dhcpd by its pid (SIGTERM, as an operator's stop would) and waits until it is gone. */
    public void stopDhcpd(Server s) throws InterruptedException {
        Long pid = readPid(s.pidFile());
        if (pid == null) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(h -> {
            h.destroy();
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        });
    }

    /** The last lines of a dhcpd log, for failure messages. */
    public static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * The restart command the agents run: stop this namespace's dhcpd by the pid in its pid file,
     * then start a new one in the background, logging to the server's log file.
     */
    private static String restartScript(String ns, String iface, Path conf, Path leases, Path pid, Path logFile) {
        return "#!/bin/sh\n"
                + "# Generated by Tandem's DhcpdLab: restarts the lab dhcpd in namespace " + ns + ".\n"
                + "PIDFILE='" + pid + "'\n"
                + "if [ -s \"$PIDFILE\" ]; then\n"
                + "  pid=$(cat \"$PIDFILE\")\n"
                + "  if kill -0 \"$pid\" 2>/dev/null; then\n"
                + "    kill \"$pid\"\n"
                + "    i=0\n"
                + "    while kill -0 \"$pid\" 2>/dev/null; do\n"
                + "      i=$((i+1)); [ $i -eq 50 ] && kill -9 \"$pid\"; [ $i -gt 100 ] && exit 1; sleep 0.1\n"
                + "    done\n"
                + "  fi\n"
                + "  rm -f \"$PIDFILE\"\n"
                + "fi\n"
                + "ip netns exec '" + ns + "' dhcpd -4 -f -d -cf '" + conf + "' -lf '" + leases + "' -pf \"$PIDFILE\" '" + iface
                + "' >>'" + logFile + "' 2>&1 </dev/null &\n"
                + "echo $! > \"$PIDFILE\"\n"
                + "exit 0\n";
    }

    private static Long readPid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /** A random /24 in 198.18.0.0/15 that no route or address on this host uses yet. */
    private static String pickSubnetPrefix() throws IOException {
        Set<String> used = new HashSet<>();
        Pattern p = Pattern.compile("\\b(198\\.1[89]\\.\\d{1,3})\\.\\d{1,3}(/(\\d+))?");
        String routes = runOutput("ip", "-4", "route", "show", "table", "all") + "\n" + runOutput("ip", "-4", "addr");
        Matcher m = p.matcher(routes);
        boolean wide = false;
        while (m.find()) {
            used.add(m.group(1));
            if (m.group(3) != null && Integer.parseInt(m.group(3)) < 24) {
                wide = true;
            }
        }
        if (wide) {
            throw new IOException("a route wider than /24 inside 198.18.0.0/15 exists on this host; the lab will not overlap it");
        }
        // 198.18.100-199 and 198.19.0-199 only: tests write fixed scopes into 198.18.0-99, 198.18.200-255 and
        // 198.19.200-255, which the lab's own subnet must never be.
        for (int attempt = 0; attempt < 64; attempt++) {
            int n = RANDOM.nextInt(300);
            String prefix = n < 100 ? "198.18." + (100 + n) : "198.19." + (n - 100);
            if (!used.contains(prefix)) {
                return prefix;
            }
        }
        throw new IOException("no free /24 found in 198.18.0.0/15");
    }

    private static void run(String... command) throws IOException {
        String out = runOutput(command);
        log.debug("{} -> {}", String.join(" ", command), out);
    }

    /**
     * Runs a command of the lab's own (ip, a restart script) bounded by 20 s, and answers its output; a non-zero exit or
     * the deadline is an IOException with the output. Shared by the labs the tests build on this one.
     */
    public static String runOutput(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Path out = Files.createTempFile("tandem-lab-cmd-", ".out");
        try {
            pb.redirectOutput(out.toFile());
            Process p = pb.start();
            if (!p.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            String text = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command[0], e);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Stops agents and dhcpd by pid, deletes namespaces, veths, bridge and the temp dir. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from the hook itself
        }
        for (AgentServer a : agents) {
            quietly(a::close);
        }
        for (Server s : servers) {
            quietly(() -> {
                Long pid = readPid(s.pidFile());
                if (pid != null) {
                    ProcessHandle.of(pid).ifPresent(DhcpdLab::killAndWait);
                }
            });
        }
        for (String ns : namespaces) {
            // Anything else still running in our own namespace was started by this lab (a restart).
            quietly(() -> killAllIn(ns));
            quietly(() -> run("ip", "netns", "del", ns));
        }
        for (String link : rootLinks.reversed()) {
            quietly(() -> {
                // A veth disappears with its namespace's end, so it may be gone already.
                String links = runOutput("ip", "-o", "link", "show");
                if (links.contains(" " + link + "@") || links.contains(" " + link + ":")) {
                    try {
                        run("ip", "link", "del", link);
                    } catch (IOException e) {
                        if (!e.getMessage().contains("Cannot find device")) {
                            throw e;
                        }
                    }
                }
            });
        }
        quietly(() -> deleteTree(dir));
        log.info("dhcpd lab {} removed", suffix);
    }

    /** Kills (SIGKILL, waiting for each) every process in network namespace {@code ns}: only for a lab's own namespace. */
    public static void killAllIn(String ns) throws IOException {
        for (String pid : runOutput("ip", "netns", "pids", ns).split("\\s+")) {
            if (!pid.isBlank()) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(DhcpdLab::killAndWait);
            }
        }
    }

    /** Deletes a lab's temp directory and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** SIGKILL and wait (bounded) until the process is really gone, so close() returns with nothing running. */
    private static void killAndWait(ProcessHandle h) {
        h.destroyForcibly();
        try {
            h.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("lab: process {} did not exit within 5 s of SIGKILL", h.pid());
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            log.warn("dhcpd lab cleanup step failed: {}", e.toString());
        }
    }
}
