package org.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.agent.AgentClient;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.lab.DhcpdLab;
import org.tandem.omapi.OmapiClient;
import org.tandem.servers.DhcpServer;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * The link between two real dhcpd failover peers cut with {@code ip link set down} and brought back:
 * the relationship shows {@code communications-interrupted} in the API and on the Failover management
 * page within two state polling intervals of the servers themselves reporting it, and {@code normal}
 * again after the link returns. The peers talk over a veth of their own between the lab's two
 * namespaces (TEST-NET-1 addresses that exist only there), so cutting it leaves the agents' OMAPI
 * path through the lab bridge up: Tandem still sees both servers, and what it must show is their state.
 */
class DhcpdLinkCutIT {

    private static final String REL = "cut";
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    /** dhcpd declares its partner lost after this many seconds of silence. */
    private static final int MAX_RESPONSE_DELAY = 5;

    private static DhcpdLab lab;
    private static String linkA;
    private static LiveStateWatch watch;
    private static DhcpServer a;
    private static DhcpServer b;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        String suffix = lab.primary().namespace().replaceAll(".*-lab-([0-9a-f]+)-a$", "$1");
        linkA = "tfa-" + suffix;
        ip("link", "add", linkA, "netns", lab.primary().namespace(), "type", "veth", "peer", "name", "tfb-" + suffix,
                "netns", lab.secondary().namespace());
        ip("-n", lab.primary().namespace(), "addr", "add", "192.0.2.1/30", "dev", linkA);
        ip("-n", lab.secondary().namespace(), "addr", "add", "192.0.2.2/30", "dev", "tfb-" + suffix);
        ip("-n", lab.primary().namespace(), "link", "set", linkA, "up");
        ip("-n", lab.secondary().namespace(), "link", "set", "tfb-" + suffix, "up");
        for (DhcpdLab.Server s : lab.servers()) {
            new AgentClient(s.agentUri(), s.agentToken()).writeConfig(config(s == lab.primary()), null);
        }
        lab.awaitNormal(lab.primary(), REL, DEADLINE);
        watch = new LiveStateWatch();
        a = watch.addServer("dhcp-a", "ISC", lab.primary().agentUri(), lab.primary().agentToken());
        b = watch.addServer("dhcp-b", "ISC", lab.secondary().agentUri(), lab.secondary().agentToken());
        assertThat(watch.awaitRelationship(a, DEADLINE)).isEqualTo(REL);
    }

    @AfterAll
    static void stop() throws Exception {
        // The veth goes with the lab's namespaces.
        Cleanup.close(watch, lab);
    }

    @Test
    void peerLinkDown_communicationsInterruptedShownWithinTwoPolls_linkUp_normalShownAgain() throws Exception {
        LiveStateWatch.firstSeen(DEADLINE, shown("normal", DhcpdFailoverState.NORMAL));

        Instant cut = Instant.now();
        ip("-n", lab.primary().namespace(), "link", "set", linkA, "down");
        Map<String, Instant> down = LiveStateWatch.firstSeen(DEADLINE, shown("communications-interrupted",
                DhcpdFailoverState.COMMUNICATIONS_INTERRUPTED));

        Instant restored = Instant.now();
        ip("-n", lab.primary().namespace(), "link", "set", linkA, "up");
        Map<String, Instant> up = LiveStateWatch.firstSeen(DEADLINE, shown("normal", DhcpdFailoverState.NORMAL));

        System.out.println("DhcpdLinkCutIT (state poll every " + LiveStateWatch.POLL_INTERVAL.toMillis() + " ms, max-response-delay "
                + MAX_RESPONSE_DELAY + " s):\n  link down: " + LiveStateWatch.times(cut, down) + "\n  link up:   " + LiveStateWatch.times(restored, up));
        LiveStateWatch.assertShownWithinTwoPolls(List.of(down, up));
    }

    /** Both servers report {@code state} over OMAPI; the API shows it for both; both servers' pages show it. */
    private static Map<String, BooleanSupplier> shown(String name, DhcpdFailoverState state) {
        Map<String, BooleanSupplier> c = new LinkedHashMap<>();
        c.put("servers", () -> lab.servers().stream().allMatch(s -> {
            try (OmapiClient omapi = lab.omapi(s)) {
                return omapi.failoverState(REL).localState() == state;
            }
        }));
        c.put("api", () -> watch.apiStates(a, REL).values().stream().allMatch(name::equals) && watch.apiStates(a, REL).size() == 2);
        c.put("page", () -> watch.page(a).contains(">" + name + "<") && watch.page(b).contains(">" + name + "<"));
        return c;
    }

    private static String config(boolean primary) {
        String p = lab.subnetPrefix();
        return lab.omapiStatements() + "ddns-update-style none;\ndefault-lease-time 600;\nmax-lease-time 7200;\n"
                + "failover peer \"" + REL + "\" {\n  " + (primary ? "primary" : "secondary") + ";\n"
                + "  address 192.0.2." + (primary ? 1 : 2) + ";\n  port " + DhcpdLab.FAILOVER_PORT + ";\n"
                + "  peer address 192.0.2." + (primary ? 2 : 1) + ";\n  peer port " + DhcpdLab.FAILOVER_PORT + ";\n"
                + "  max-response-delay " + MAX_RESPONSE_DELAY + ";\n  max-unacked-updates 10;\n"
                + (primary ? "  mclt 60;\n  split 128;\n" : "") + "  load balance max seconds 3;\n}\n"
                + "subnet " + p + ".0 netmask 255.255.255.0 {\n  pool {\n    failover peer \"" + REL + "\";\n"
                + "    deny dynamic bootp clients;\n    range " + p + ".100 " + p + ".199;\n  }\n}\n";
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = "ip";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(p.getInputStream().readAllBytes()));
        }
    }
}
