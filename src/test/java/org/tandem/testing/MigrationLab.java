package org.tandem.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.agent.AgentClient;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaProtocolError;
import org.tandem.lab.DhcpdLab;
import org.tandem.lab.LabConfigs;
import org.tandem.lab.KeaLab;

/**
 * The stage for migrating a dhcpd failover pair to a Kea HA pair (issue 16): a real dhcpd pair in load balancing
 * serving the lab's link, a Kea HA pair started in the same two namespaces on the same interfaces, and a client
 * namespace on the same bridge from which perfdhcp measures who answers and for how long nobody did.
 *
 * <p>Layout on the lab's /24 (P = {@link DhcpdLab#subnetPrefix()}): dhcpd and Kea server a/server1 at P.1 and
 * b/server2 at P.2 (Kea Control Agents on P.1:8000 and P.2:8001, reachable from the root namespace, which is P.254 on
 * the bridge), reservations P.5 and P.6, the failover pool P.10-P.239, the client namespace at P.250. perfdhcp speaks
 * as a relay on the link (giaddr P.250, from port 67), so dhcpd logs its clients "via P.250". Keep the clients of all
 * runs plus {@link #createLeases} below the pool's 230 addresses, or answers stop for want of leases, not of servers.
 * perfdhcp's REQUEST-ACK "orphans" against the dhcpd pair are duplicate ACKs, not errors: both peers ACK a returning
 * client's REQUEST even though it names the other peer's server identifier (peer b logged {@code DHCPREQUEST for
 * P.155 (P.1) from 00:0c:01:02:03:10} followed by its own {@code DHCPACK on P.155}); the Kea pair showed none.
 *
 * <p>What Kea 2.2.0 and dhcpd 4.4.3-P1 did here (measured while building this harness, 2 CPUs, Debian bookworm):
 * <ul>
 * <li>(a) kea-dhcp4 cannot open its DHCP socket on an interface while dhcpd runs in that namespace. dhcpd holds
 *     UDP 0.0.0.0:67 and Kea's raw-socket mode still binds a fallback UDP socket to the interface address:
 *     {@code DHCPSRV_OPEN_SOCKET_FAIL failed to open socket: Failed to open socket on interface tna-…, reason: failed
 *     to bind fallback socket to address P.1, port 67, reason: Address already in use - is another DHCP server
 *     running?}, then {@code DHCPSRV_NO_SOCKETS_OPEN}. Kea keeps running, its HA pair still reaches load-balancing
 *     (HA needs no DHCP socket), and it answers no DHCP there. Kea 2.2 does accept
 *     {@code interfaces-config.service-sockets-max-retries} and {@code service-sockets-retry-wait-time}: with
 *     retries it logs one failure per attempt and, once exhausted, {@code DHCP4_OPEN_SOCKETS_FAILED maximum number
 *     of open service sockets attempts: 5, has been exhausted without success}; while attempts remain and dhcpd is
 *     stopped, the next attempt opens the socket and Kea answers with no command at all (seen without HA: socket open
 *     and 19 of 19 DORA answered within 2 s of stopping dhcpd; attempts were logged 1 s apart with
 *     {@code service-sockets-retry-wait-time} 500 and 1000 alike). Without those keys (Kea's default, and this
 *     lab's) there is one attempt at start and one per config-set or config-reload.</li>
 * <li>(b) After {@code stopDhcpd} in that namespace, a {@code config-set} (even of the unchanged config) or a
 *     {@code config-reload} (which rereads the file KeaLab wrote, undoing earlier config-sets) opens the socket:
 *     {@code ss} shows kea-dhcp4 on {@code p_raw} and {@code P.1:67}, and Kea answers perfdhcp. The
 *     config-set reloads the HA hook (waiting → syncing → ready → load-balancing, about 1 s here): with the other
 *     peer already serving, the DISCOVERs of this peer's HA scope went unanswered for ~1.2 s (15 of 279 in the run in
 *     {@code resources/perfdhcp}), while the longest gap between any two answers stayed 0.25 s.</li>
 * <li>(c) Stopping one dhcpd of the load-balancing pair (SIGTERM): the other logged {@code peer … disconnected} and
 *     {@code I move from normal to communications-interrupted} at once and answered every client: 319 of 319
 *     DISCOVERs and REQUESTs answered in a 16 s run at 20/s over 60 clients, longest gap between answers 0.051 s
 *     in the 2.5 s after the stop (perfdhcp's own spacing is 0.050 s); MigrationLabIT: 0.050 s, 0 of 80 DISCOVERs
 *     unanswered in the 4 s after. SIGTERM closes the failover connection; a cut link would take up to
 *     max-response-delay (30 s) to notice. Stopping both takes a while: {@code stopDhcpd} on both returned after
 *     3.6 s (SIGTERM to exit), restarting both took 0.4 s and the first answer came 0.28 s after the restart began.</li>
 * <li>(d) A subnet with {@code "client-class": "C"} where C's test never matches ({@code 'a' == 'b'}) is not silent:
 *     DISCOVERs get nothing ({@code DHCP4_PACKET_NAK_0001 … failed to select a subnet for incoming packet, type
 *     DHCPDISCOVER}, logged at ERROR, no packet sent), but a REQUEST without a server identifier (renewing,
 *     rebinding, INIT-REBOOT) in this peer's HA scope gets a DHCPNAK ({@code DHCP4_PACKET_SEND … DHCPNAK (type 6) from
 *     P.1:67}, seen for perfdhcp's renewals: 21 NAKs in 4 s; INIT-REBOOT and rebinding take the same no-subnet path,
 *     not separately observed); REQUESTs naming another server are dropped ({@code DHCP4_PACKET_DROP_0003 … foreign
 *     server identifier}). Kea 2.2 accepts an undefined class name there ({@code config-test} and {@code config-set}
 *     result 0) and answered no DISCOVER either (79 of 79 logged NAK_0001, nothing sent). A silent gate is the special class {@code DROP}, e.g. {@code {"name": "DROP", "test":
 *     "pkt.iface == 'IFACE'"}}: every packet on that interface is dropped ({@code DHCP4_PACKET_DROP_0010 dropped as
 *     member of the special class 'DROP'}), nothing is sent, while the socket stays open.</li>
 * </ul>
 *
 * <p>{@link #close()} stops everything it started (perfdhcp runs, Kea, dhcpd and agents) by handle or pid, deletes the
 * client namespace, its veth and the temp directory, and closes the {@link DhcpdLab} (namespaces, bridge); it is
 * idempotent and also runs from a shutdown hook.
 */
public final class MigrationLab implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MigrationLab.class);

    /** The dhcpd failover relationship's name. */
    public static final String RELATIONSHIP = "tandem-mig";
    /** perfdhcp's client MACs for {@link #createLeases}; measurement runs use perfdhcp's default base 00:0c:01:02:03:04. */
    public static final String LEASE_MAC_BASE = "02:00:00:00:00:00";
    private static final int POOL_SIZE = 230;
    private static final Duration STATE_DEADLINE = Duration.ofSeconds(90);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * How to start the lab.
     *
     * @param kea whether to start the Kea HA pair next to dhcpd
     * @param keaHeartbeatDelayMs Kea HA heartbeat-delay
     * @param keaMaxResponseDelayMs Kea HA max-response-delay (max-unacked-clients is 0: partner-down right after it)
     */
    public record Options(boolean kea, int keaHeartbeatDelayMs, int keaMaxResponseDelayMs) {
        public Options {
            if (keaHeartbeatDelayMs < 100 || keaMaxResponseDelayMs < keaHeartbeatDelayMs) {
                throw new IllegalArgumentException("Kea heartbeat-delay must be >= 100 ms and max-response-delay >= heartbeat-delay");
            }
        }

        /** dhcpd pair plus Kea pair (heartbeat 1 s, max-response-delay 3 s). */
        public static Options defaults() {
            return new Options(true, 1000, 3000);
        }

        public Options withoutKea() {
            return new Options(false, keaHeartbeatDelayMs, keaMaxResponseDelayMs);
        }
    }

    private final Options options;
    private final String suffix;
    private final Path dir;
    private final String clientNamespace;
    private final String clientIface;
    private final String rootVeth;
    private final Thread shutdownHook;
    private final List<PerfdhcpRun> runs = new ArrayList<>();
    private DhcpdLab dhcpd;
    private KeaLab kea;
    private boolean clientNamespaceMade;
    private boolean closed;

    private MigrationLab(Options options) throws IOException {
        this.options = options;
        byte[] r = new byte[3];
        RANDOM.nextBytes(r);
        suffix = HexFormat.of().formatHex(r);
        dir = Files.createTempDirectory("tandem-migration-lab-" + suffix + "-");
        clientNamespace = "tandem-mig-" + suffix + "-client";
        clientIface = "tmn-" + suffix;
        rootVeth = "tmc-" + suffix;
        shutdownHook = new Thread(this::close, "migration-lab-cleanup-" + suffix);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** {@link #start(Options)} with {@link Options#defaults()}. */
    public static MigrationLab start() throws IOException, InterruptedException {
        return start(Options.defaults());
    }

    /**
     * Starts the dhcpd pair and waits until both peers are normal, makes the client namespace, then (with
     * {@code options.kea()}) starts the Kea pair with no subnets and waits until both are load-balancing.
     * On any failure everything started so far is removed and the failure rethrown.
     */
    public static MigrationLab start(Options options) throws IOException, InterruptedException {
        MigrationLab lab = new MigrationLab(options);
        try {
            lab.build();
            return lab;
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    private void build() throws IOException, InterruptedException {
        dhcpd = DhcpdLab.start();
        for (DhcpdLab.Server s : dhcpd.servers()) {
            AgentClient agent = agent(s);
            agent.writeConfig(dhcpdConfig(s), agent.readConfig().sha256());
        }
        dhcpd.awaitNormal(dhcpd.primary(), RELATIONSHIP, STATE_DEADLINE);
        dhcpd.awaitNormal(dhcpd.secondary(), RELATIONSHIP, STATE_DEADLINE);

        String bridge = dhcpd.rootLinks().stream().filter(l -> l.startsWith("tlbr-")).findFirst()
                .orElseThrow(() -> new IllegalStateException("DhcpdLab made no bridge: " + dhcpd.rootLinks()));
        DhcpdLab.runOutput("ip", "netns", "add", clientNamespace);
        clientNamespaceMade = true;
        DhcpdLab.runOutput("ip", "link", "add", rootVeth, "type", "veth", "peer", "name", clientIface, "netns", clientNamespace);
        DhcpdLab.runOutput("ip", "link", "set", rootVeth, "master", bridge, "up");
        DhcpdLab.runOutput("ip", "-n", clientNamespace, "link", "set", "lo", "up");
        DhcpdLab.runOutput("ip", "-n", clientNamespace, "addr", "add", clientAddress() + "/24", "dev", clientIface);
        DhcpdLab.runOutput("ip", "-n", clientNamespace, "link", "set", clientIface, "up");

        if (options.kea()) {
            List<DhcpdLab.Server> servers = dhcpd.servers();
            kea = KeaLab.start(new KeaLab.Options(KeaLab.HaSetup.LOAD_BALANCING, options.keaHeartbeatDelayMs(),
                    options.keaMaxResponseDelayMs(), 1000, 0, null, null, null).inNamespaces(
                    servers.stream().map(DhcpdLab.Server::namespace).toList(),
                    servers.stream().map(DhcpdLab.Server::iface).toList(),
                    servers.stream().map(DhcpdLab.Server::address).toList()));
            // KeaLab starts with a documentation subnet (192.0.2.0/24); the migration starts from none.
            for (int i = 0; i < 2; i++) {
                ObjectNode config = keaConfig(i);
                ((ObjectNode) config.get("Dhcp4")).putArray("subnet4");
                keaConfigSet(i, config);
            }
            awaitKeaHaState("load-balancing", STATE_DEADLINE);
        }
        log.info("migration lab {} up: link {}, client namespace {} ({}), kea {}", suffix, linkSubnet(), clientNamespace,
                clientAddress(), kea == null ? "not started" : kea.dir());
    }

    /** The dhcpd failover pair (namespaces, dhcpd processes, agents). */
    public DhcpdLab dhcpd() {
        return dhcpd;
    }

    /** The Kea HA pair in the dhcpd servers' namespaces; node 0 ("server1") shares namespace and interface with dhcpd a. */
    public KeaLab kea() {
        if (kea == null) {
            throw new IllegalStateException("this lab was started without Kea");
        }
        return kea;
    }

    /** The lab's link subnet, e.g. {@code 198.18.137.0/24}: the only one real clients can reach. */
    public String linkSubnet() {
        return dhcpd.subnetPrefix() + ".0/24";
    }

    public String clientNamespace() {
        return clientNamespace;
    }

    /** The client namespace's end of its veth to the lab's bridge (perfdhcp's {@code -l}). */
    public String clientInterface() {
        return clientIface;
    }

    public String clientAddress() {
        return dhcpd.subnetPrefix() + ".250";
    }

    /** The temp directory holding perfdhcp outputs (the dhcpd and Kea labs have their own). */
    public Path dir() {
        return dir;
    }

    /** A Tandem agent client for dhcpd server {@code s}. */
    public AgentClient agent(DhcpdLab.Server s) {
        return new AgentClient(s.agentUri(), s.agentToken());
    }

    /**
     * The dhcpd.conf the lab gives server {@code s}: load balancing (split 128, mclt 1800, max-response-delay 30; an mclt above
     * default-lease-time lets dhcpd give a new client the whole 600 s at once rather than the mclt),
     * options at global and subnet level, the link subnet with its failover pool and two reservations, and two 10.x
     * subnets with failover pools that exist only in the config (nothing is sent there) to make the migration's
     * input realistic.
     */
    public String dhcpdConfig(DhcpdLab.Server s) {
        String p = dhcpd.subnetPrefix();
        return "# Tandem migration lab " + suffix + ": dhcpd failover pair, server " + s.label() + "\n"
                + dhcpd.omapiStatements()
                + "ddns-update-style none;\n"
                + "authoritative;\n"
                + "# perfdhcp brings new clients every few ms; dhcpd's ping check would hold each first offer for 1 s\n"
                + "# and read as an outage in the gap measurements.\n"
                + "ping-check false;\n"
                + "default-lease-time 600;\n"
                + "max-lease-time 7200;\n"
                + "option domain-name \"migration.lab.example\";\n"
                + "option domain-name-servers " + p + ".253;\n"
                + LabConfigs.peer(dhcpd, s, RELATIONSHIP, 30, 1800)
                + "subnet " + p + ".0 netmask 255.255.255.0 {\n"
                + "  option routers " + p + ".254;\n"
                + "  pool {\n"
                + "    failover peer \"" + RELATIONSHIP + "\";\n"
                + "    range " + p + ".10 " + p + ".239;\n"
                + "  }\n"
                + "}\n"
                + "subnet 10.201.0.0 netmask 255.255.255.0 {\n"
                + "  option routers 10.201.0.1;\n"
                + "  option domain-name \"branch-one.lab.example\";\n"
                + "  pool {\n"
                + "    failover peer \"" + RELATIONSHIP + "\";\n"
                + "    range 10.201.0.50 10.201.0.199;\n"
                + "  }\n"
                + "}\n"
                + "subnet 10.202.0.0 netmask 255.255.254.0 {\n"
                + "  option routers 10.202.0.1;\n"
                + "  pool {\n"
                + "    failover peer \"" + RELATIONSHIP + "\";\n"
                + "    range 10.202.0.20 10.202.1.250;\n"
                + "  }\n"
                + "}\n"
                + "host lab-printer-1 {\n"
                + "  hardware ethernet 02:00:00:ee:00:01;\n"
                + "  fixed-address " + p + ".5;\n"
                + "}\n"
                + "host lab-printer-2 {\n"
                + "  hardware ethernet 02:00:00:ee:00:02;\n"
                + "  fixed-address " + p + ".6;\n"
                + "  option domain-name \"printers.lab.example\";\n"
                + "}\n";
    }

    /** Leases in binding state {@code active} in server {@code s}'s dhcpd.leases, read through its agent. */
    public int activeLeases(DhcpdLab.Server s) {
        return (int) agent(s).leases().leases().stream().filter(l -> "active".equals(l.bindingState())).count();
    }

    /**
     * Starts perfdhcp in the client namespace: DORA at {@code rate} per second for {@code duration} (whole seconds,
     * rounded up), cycling over
     * {@code clients} MACs from perfdhcp's default base ({@code -4 -r RATE -R CLIENTS -p SECONDS -x t -l IFACE}).
     * Returns at once; call {@link PerfdhcpRun#awaitEnd()} for the results.
     */
    public PerfdhcpRun perfdhcp(Duration duration, int rate, int clients) throws IOException {
        if (clients < 1 || clients > POOL_SIZE) {
            throw new IllegalArgumentException("clients must be 1.." + POOL_SIZE + " (the link pool's size)");
        }
        return startPerfdhcp(duration, rate, List.of("-R", String.valueOf(clients)));
    }

    /** One client with MAC {@code mac} asking once a second for {@code duration} (to see which address a reservation gets). */
    public PerfdhcpRun perfdhcpAs(String mac, Duration duration) throws IOException {
        if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            throw new IllegalArgumentException("mac must be six lower-case hex bytes with colons");
        }
        return startPerfdhcp(duration, 1, List.of("-R", "1", "-b", "mac=" + mac));
    }

    /**
     * Makes at least {@code n} leases active in both peers' dhcpd.leases with perfdhcp clients from
     * {@link #LEASE_MAC_BASE} (one DORA each at 50/s, repeated at most 5 times); returns the smaller of the two
     * peers' active lease counts. Throws when the peers do not get there.
     */
    public int createLeases(int n) throws IOException, InterruptedException {
        if (n < 1 || n > 150) {
            throw new IllegalArgumentException("n must be 1..150: the link pool has " + POOL_SIZE + " addresses for all clients");
        }
        int rate = 50;
        Duration period = Duration.ofSeconds(n / rate + 5);
        int least = 0;
        for (int round = 1; round <= 5; round++) {
            startPerfdhcp(period, rate, List.of("-R", String.valueOf(n), "-n", String.valueOf(n), "-b", "mac=" + LEASE_MAC_BASE,
                    "-W", "1000000")).awaitEnd();
            Instant end = Instant.now().plusSeconds(5);
            do {
                least = Math.min(activeLeases(dhcpd.primary()), activeLeases(dhcpd.secondary()));
                if (least >= n) {
                    return least;
                }
                Thread.sleep(250); // the peers write their binding updates on their own schedule; polled with a deadline
            } while (Instant.now().isBefore(end));
        }
        throw new IllegalStateException("after 5 perfdhcp rounds the peers hold only " + least + " active leases, not " + n
                + "; dhcpd logs: " + dhcpd.primary().log() + ", " + dhcpd.secondary().log());
    }

    private PerfdhcpRun startPerfdhcp(Duration duration, int rate, List<String> extra) throws IOException {
        if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("duration must be positive and at most 10 minutes");
        }
        // perfdhcp 2.2 takes -p in whole seconds only ("-p<value> must be a positive integer").
        Duration period = Duration.ofSeconds(duration.toSeconds() + (duration.toNanosPart() > 0 ? 1 : 0));
        if (rate < 1 || rate > 200) {
            throw new IllegalArgumentException("rate must be 1..200 exchanges per second");
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the migration lab is closed");
            }
            int n = runs.size() + 1;
            Path out = dir.resolve("perfdhcp-" + n + ".out");
            Path anchor = dir.resolve("perfdhcp-" + n + ".anchor");
            Path wrapper = dir.resolve("perfdhcp-" + n + "-wrap.sh");
            // perfdhcp calls its -w command right before it sends; its output's times count from about then.
            Files.writeString(wrapper, "#!/bin/sh\ndate +%s%N >> '" + anchor + "'\n");
            Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
            List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", clientNamespace, "perfdhcp", "-4",
                    "-r", String.valueOf(rate), "-p", String.valueOf(period.toSeconds()),
                    "-x", "t", "-w", wrapper.toString(), "-l", clientIface));
            cmd.addAll(extra);
            Instant launched = Instant.now();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            PerfdhcpRun run = new PerfdhcpRun(p, out, anchor, launched, period, rate);
            runs.add(run);
            return run;
        }
    }

    /** A Tandem Kea client for node {@code i} through its Control Agent (as Central reaches it, from the root namespace). */
    public KeaClient keaClient(int i) {
        KeaLab.Node n = kea().node(i);
        return new KeaClient(n.name(), n.agentEndpoint());
    }

    /** Node {@code i}'s running config ({@code config-get} arguments, without the hash), ready to edit and {@link #keaConfigSet}. */
    public ObjectNode keaConfig(int i) {
        JsonNode args = keaClient(i).ok("config-get", null, false).arguments();
        ObjectNode copy = (ObjectNode) args.deepCopy();
        copy.remove("hash");
        return copy;
    }

    /** {@code config-set} on node {@code i}; throws with Kea's text unless the result is 0. */
    public void keaConfigSet(int i, ObjectNode config) {
        keaClient(i).ok("config-set", config, false);
    }

    /** Whether node {@code i}'s kea-dhcp4 holds a socket on UDP port 67 in its namespace (as {@code ss} shows). */
    public boolean keaListening(int i) throws IOException {
        String ns = dhcpd.servers().get(i).namespace();
        return DhcpdLab.runOutput("ip", "netns", "exec", ns, "ss", "-H", "-a", "-u", "-n", "-p", "sport", "=", ":67").contains("\"kea-dhcp4\"");
    }

    /** kea-dhcp4's log file of node {@code i} (INFO and above). */
    public Path keaLog(int i) {
        return kea().dir().resolve("kea-dhcp4-" + kea().node(i).name() + ".log");
    }

    /** Polls {@code ha-heartbeat} on both Kea nodes every 200 ms until both report {@code state}; throws with the last answers. */
    public void awaitKeaHaState(String state, Duration deadline) throws InterruptedException {
        Instant end = Instant.now().plus(deadline);
        String last = "";
        while (Instant.now().isBefore(end)) {
            StringBuilder seen = new StringBuilder();
            boolean all = true;
            for (int i = 0; i < 2; i++) {
                String s;
                try {
                    s = keaClient(i).ok("ha-heartbeat", null, false).arguments().path("state").asText();
                } catch (KeaProtocolError e) {
                    s = "(" + e.getMessage() + ")";
                }
                seen.append(kea().node(i).name()).append('=').append(s).append(' ');
                all &= s.equals(state);
            }
            if (all) {
                return;
            }
            last = seen.toString().strip();
            Thread.sleep(200);
        }
        throw new IllegalStateException("Kea pair not both " + state + " within " + deadline.toSeconds() + " s: " + last);
    }

    /** Stops perfdhcp runs, Kea, whatever runs in the client namespace, deletes it and the temp dir, closes the dhcpd lab. */
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
        for (PerfdhcpRun r : runs) {
            quietly(r::destroy);
        }
        if (kea != null) {
            quietly(kea::close);
        }
        if (clientNamespaceMade) {
            // Only this lab's perfdhcp runs (and their wrapper) ever run in its own client namespace.
            quietly(() -> DhcpdLab.killAllIn(clientNamespace));
            // Deleting the namespace deletes the veth pair with it, root end included.
            quietly(() -> DhcpdLab.runOutput("ip", "netns", "del", clientNamespace));
        }
        quietly(() -> {
            if (DhcpdLab.runOutput("ip", "-o", "link", "show").contains(" " + rootVeth + "@")) {
                DhcpdLab.runOutput("ip", "link", "del", rootVeth);
            }
        });
        if (dhcpd != null) {
            quietly(dhcpd::close);
        }
        quietly(() -> DhcpdLab.deleteTree(dir));
        log.info("migration lab {} removed", suffix);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void quietly(Step step) {
        try {
            step.run();
        } catch (Exception e) {
            log.warn("migration lab cleanup step failed: {}", e.toString());
        }
    }
}
