package org.tandem.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.tandem.agent.AgentClient;
import org.tandem.auth.Actor;
import org.tandem.auth.AuthService;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.kea.client.KeaClient;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.store.Database;
import org.tandem.store.ListQuery;
import org.tandem.sync.ServerSync;
import org.tandem.sync.SyncExtension;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tandem lab}: a real dhcpd failover pair (network namespaces, with agents), a real Kea HA pair
 * (loopback) and a Central with an embedded database wired to all four, with sample scopes, for a first look.
 * Everything stops on Ctrl-C: processes by pid, namespaces, veths, temp directories.
 */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Starts a dhcpd failover pair, a Kea HA pair and a Central wired to them, on this machine (needs root).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped cleanly with Ctrl-C", "2:bad option (port, data directory)", "3:not root",
                "4:DHCP packages missing (the command to install them is printed)", "5:the lab could not start (the cause is printed)"})
public final class LabCommand implements Callable<Integer> {

    /** The failover relationship name the lab's dhcpd pair starts with. */
    public static final String DHCPD_RELATIONSHIP = "lab-failover";
    private static final List<String> BINARIES = List.of("/usr/sbin/dhcpd", "/usr/sbin/kea-dhcp4", "/usr/sbin/kea-ctrl-agent");
    private static final String INSTALL = "apt-get update && apt-get install -y kea-dhcp4-server kea-ctrl-agent isc-dhcp-server iproute2";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--port", defaultValue = "8080", description = "Port of the lab's Central on 127.0.0.1 (0: any free port; default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--data", description = "A new or empty directory for the lab's database, kept after the lab stops"
            + " (default: a temporary directory, removed when the lab stops).")
    Path data;

    private final List<AutoCloseable> resources = new ArrayList<>();
    private Path tempData;
    private boolean closed;

    @Override
    public Integer call() {
        if (port < 0 || port > 65535) {
            System.err.println("tandem lab: --port must be from 0 to 65535, not " + port);
            return 2;
        }
        if (data != null && Files.isDirectory(data) && !isEmpty(data)) {
            System.err.println("tandem lab: --data " + data + " is not empty; give a new or empty directory"
                    + " (the lab's servers get new ports at every start, so an old lab database would point at nothing)");
            return 2;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            System.err.println("tandem lab: needs root, because the dhcpd pair runs in network namespaces (ip netns)."
                    + " Run it as root, e.g.: sudo ./tandem lab");
            return 3;
        }
        List<String> missing = BINARIES.stream().filter(b -> !Files.isExecutable(Path.of(b))).toList();
        if (!missing.isEmpty()) {
            missing = installDeps(missing);
            if (!missing.isEmpty()) {
                System.err.println("tandem lab: missing " + String.join(", ", missing) + ". Install the DHCP servers with:");
                System.err.println("  " + INSTALL);
                return 4;
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "tandem-lab-stop"));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "tandem-lab-release"));
        try {
            start();
        } catch (IOException | RuntimeException e) {
            System.err.println("tandem lab: could not start: " + e.getMessage());
            close();
            return 5;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            return 5;
        }
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** Runs the repository's scripts/install-deps when it is here (as CI does); returns what is still missing. */
    private static List<String> installDeps(List<String> missing) {
        Path script = Path.of("scripts", "install-deps");
        if (!Files.isExecutable(script)) {
            return missing;
        }
        System.out.println("Installing the DHCP servers (" + script + ") ...");
        try {
            Process p = new ProcessBuilder(script.toString()).inheritIO().start();
            p.waitFor();
        } catch (IOException e) {
            System.err.println("tandem lab: " + script + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return BINARIES.stream().filter(b -> !Files.isExecutable(Path.of(b))).toList();
    }

    private void start() throws IOException, InterruptedException {
        System.out.println("Starting a dhcpd failover pair in network namespaces ...");
        DhcpdLab dhcpd = DhcpdLab.start();
        resources.add(dhcpd);
        for (DhcpdLab.Server s : dhcpd.servers()) {
            new AgentClient(s.agentUri(), s.agentToken()).writeConfig(dhcpdConfig(dhcpd, s), null);
        }
        System.out.println("Starting a Kea load-balancing pair on loopback ...");
        KeaLab kea = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING).withTimers(2000, 5000));
        resources.add(kea);
        for (KeaLab.Node n : kea.nodes()) {
            addKeaSubnet(n);
        }

        Path dir = data;
        if (dir == null) {
            tempData = Files.createTempDirectory("tandem-lab-data-");
            dir = tempData;
        }
        Files.createDirectories(dir);
        String password = System.getenv("TANDEM_ADMIN_PASSWORD");
        boolean generated = password == null || password.isEmpty();
        if (generated) {
            byte[] b = new byte[12];
            new SecureRandom().nextBytes(b);
            password = HexFormat.of().formatHex(b);
        }
        SyncExtension sync = new SyncExtension();
        Central central = Central.start(new Central.Options("127.0.0.1", port, Database.embeddedUrl(dir), CentralConfig.defaults(),
                Clock.systemUTC(), List.of(sync, new org.tandem.web.WebUi()), password, null,
                org.tandem.store.SecretBox.load(dir, System.getenv(org.tandem.store.SecretBox.ENV))));
        resources.add(central);

        List<DhcpServer> servers = new ArrayList<>();
        servers.add(register(central, "lab-dhcpd-a", "ISC", dhcpd.primary().agentUri().getHost(), dhcpd.primary().agentUri().getPort(),
                dhcpd.primary().agentToken()));
        servers.add(register(central, "lab-dhcpd-b", "ISC", dhcpd.secondary().agentUri().getHost(),
                dhcpd.secondary().agentUri().getPort(), dhcpd.secondary().agentToken()));
        for (KeaLab.Node n : kea.nodes()) {
            servers.add(register(central, "lab-" + n.name(), "Kea", n.agentUrl().getHost(), n.agentUrl().getPort(), null));
        }
        for (DhcpServer s : servers) {
            ServerSync.Outcome o = sync.sync().sync(s);
            // Counted in the store, not from this sync's creations: syncing a server imports its failover partner too,
            // so the partner's own sync may find nothing left to create.
            long scopes = central.scopes().scopes(new ListQuery("dhcpServerRef=" + s.ref(), 0, 1, null, false)).totalResults();
            System.out.println("Imported " + s.name() + ": " + scopes + " scope(s)" + (o.relationships().isEmpty() ? ""
                    : ", failover relationship(s) " + String.join(", ", o.relationships())));
        }
        String url = "http://127.0.0.1:" + central.port() + "/";
        System.out.println();
        System.out.println("Tandem lab is ready.");
        System.out.println("  Central:  " + url + "  (JSON-RPC " + url + "mmws/json, REST " + url + "mmws/api/v2)");
        System.out.println("  Login:    " + AuthService.ADMINISTRATOR + " / "
                + (central.administratorCreated() ? (generated ? password : "the password in TANDEM_ADMIN_PASSWORD") : "(as set on this data directory's first start)"));
        System.out.println("  Try:      ./tandem login --url " + url + " --user administrator; ./tandem failover list");
        System.out.println("  dhcpd:    namespaces " + dhcpd.primary().namespace() + " and " + dhcpd.secondary().namespace()
                + ", temp dir " + dhcpd.dir());
        System.out.println("  Kea:      Control Agents " + kea.node(0).agentUrl() + " and " + kea.node(1).agentUrl() + ", temp dir " + kea.dir());
        System.out.println("  Data:     " + dir + (tempData != null ? " (removed on exit)" : ""));
        System.out.println("Press Ctrl-C to stop everything.");
        System.out.flush();
    }

    private static DhcpServer register(Central central, String name, String type, String address, int port, String token) {
        return central.servers().add(Actor.SYSTEM, "tandem lab", "dhcpServer",
                new ServerService.NewServer(name, type, address, (long) port, token, null, null, null));
    }

    /** The lab's dhcpd.conf: the namespace subnet and a second one, both with failover pools, and a reservation. */
    static String dhcpdConfig(DhcpdLab lab, DhcpdLab.Server self) {
        boolean primary = self.equals(lab.primary());
        DhcpdLab.Server peer = primary ? lab.secondary() : lab.primary();
        String p = lab.subnetPrefix();
        return "# Tandem lab: server " + self.label() + "\n"
                + lab.omapiStatements()
                + "ddns-update-style none;\ndefault-lease-time 600;\nmax-lease-time 7200;\n"
                + "failover peer \"" + DHCPD_RELATIONSHIP + "\" {\n"
                + "  " + (primary ? "primary" : "secondary") + ";\n"
                + "  address " + self.address() + ";\n  port " + DhcpdLab.FAILOVER_PORT + ";\n"
                + "  peer address " + peer.address() + ";\n  peer port " + DhcpdLab.FAILOVER_PORT + ";\n"
                + "  max-response-delay 10;\n  max-unacked-updates 10;\n"
                + (primary ? "  mclt 60;\n  split 128;\n" : "")
                + "  load balance max seconds 3;\n}\n"
                + "subnet " + p + ".0 netmask 255.255.255.0 {\n"
                + "  option routers " + p + ".254;\n"
                + "  pool {\n    failover peer \"" + DHCPD_RELATIONSHIP + "\";\n    deny dynamic bootp clients;\n"
                + "    range " + p + ".100 " + p + ".199;\n  }\n"
                + "  host lab-printer {\n    hardware ethernet 02:00:5e:10:00:01;\n    fixed-address " + p + ".20;\n  }\n"
                + "}\n"
                // Declared only, never on a wire: TEST-NET-2 shows a second scope of the relationship.
                + "subnet 198.51.100.0 netmask 255.255.255.0 {\n"
                + "  pool {\n    failover peer \"" + DHCPD_RELATIONSHIP + "\";\n    deny dynamic bootp clients;\n"
                + "    range 198.51.100.10 198.51.100.99;\n  }\n}\n";
    }

    /** Adds a second subnet (TEST-NET-3, id 2, same on both peers) to a Kea node's file and makes it live with config-reload. */
    private static void addKeaSubnet(KeaLab.Node n) throws IOException {
        ObjectNode root = (ObjectNode) JSON.readTree(n.configFile().toFile());
        ArrayNode subnets = (ArrayNode) root.path("Dhcp4").path("subnet4");
        ObjectNode s = subnets.addObject().put("id", 2).put("subnet", "203.0.113.0/24");
        ArrayNode pools = s.putArray("pools");
        pools.addObject().put("pool", "203.0.113.10 - 203.0.113.49").put("client-class", "HA_server1");
        pools.addObject().put("pool", "203.0.113.50 - 203.0.113.89").put("client-class", "HA_server2");
        ObjectNode r = s.putArray("reservations").addObject();
        r.put("hw-address", "02:00:5e:10:00:02").put("ip-address", "203.0.113.5").put("hostname", "lab-camera");
        Files.writeString(n.configFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        new KeaClient(n.name(), n.agentEndpoint()).ok("config-reload", null, false);
    }

    /** Stops Central, then the Kea pair, then the dhcpd pair, and removes the temp data directory. Idempotent. */
    private synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                System.err.println("tandem lab: stopping " + resources.get(i).getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        if (tempData != null) {
            try (Stream<Path> files = Files.walk(tempData)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                System.err.println("tandem lab: could not remove " + tempData + ": " + e.getMessage());
            }
        }
        System.out.println("Tandem lab stopped; nothing left behind.");
        System.out.flush();
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
