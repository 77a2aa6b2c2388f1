package org.tandem.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.tandem.net.Ipv4Address;

/**
 * The IPv4 addresses of the host dhcpd runs on, as dhcpd sees them: the local addresses of dhcpd's own network
 * namespace, read from {@code /proc/PID/net/fib_trie} of the process its pid file names (dhcpd may run in another
 * namespace than the agent). Central picks from these the failover address, the one inside a subnet dhcpd.conf
 * declares, which is where dhcpd listens. Without a pid file the OMAPI address stands in when it is not loopback.
 */
final class DhcpdAddresses {

    private final AgentSettings settings;

    DhcpdAddresses(AgentSettings settings) {
        this.settings = settings;
    }

    AgentApi.AddressesView read() {
        if (settings.pidFile() != null) {
            try {
                long pid = DhcpdProbe.readPid(settings.pidFile());
                Path trie = Path.of("/proc", Long.toString(pid), "net", "fib_trie");
                return new AgentApi.AddressesView(localAddresses(Files.readAllLines(trie, StandardCharsets.US_ASCII)),
                        "the network namespace of dhcpd (pid " + pid + ")");
            } catch (IOException | NumberFormatException e) {
                // dhcpd not running or no /proc: fall through to what the settings tell.
            }
        }
        String omapi = settings.omapiHost();
        if (omapi != null && Ipv4Address.isValid(omapi) && !omapi.startsWith("127.")) {
            return new AgentApi.AddressesView(List.of(omapi), "the agent's --omapi address");
        }
        return new AgentApi.AddressesView(List.of(), "none: the agent has no --pid-file of a running dhcpd and no OMAPI address");
    }

    /** The non-loopback {@code /32 host LOCAL} entries of a fib_trie listing, each once, in the order listed. */
    static List<String> localAddresses(List<String> fibTrie) {
        Set<String> out = new LinkedHashSet<>();
        String last = null;
        for (String line : fibTrie) {
            String t = line.strip();
            if (t.startsWith("|-- ")) {
                last = t.substring(4).strip();
            } else if (last != null && t.equals("/32 host LOCAL") && Ipv4Address.isValid(last) && !last.startsWith("127.")) {
                out.add(last);
            }
        }
        return new ArrayList<>(out);
    }
}
