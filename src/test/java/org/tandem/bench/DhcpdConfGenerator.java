package org.tandem.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generates the benchmark dhcpd.conf: a primary's failover peer block and N subnets (/24 each), every one
 * with a pool that names the peer, except the subnet at {@link #SCOPE_WITHOUT_FAILOVER}, which the
 * "add failover to one scope" benchmark puts under failover. 20,000 subnets make about 3.5 MB.
 *
 * <p>Run as {@code java ... org.tandem.bench.DhcpdConfGenerator OUT [SUBNETS]}.
 */
public final class DhcpdConfGenerator {

    public static final String PEER = "bench-fo";
    /** Index of the one subnet generated without a failover reference. */
    public static final int SCOPE_WITHOUT_FAILOVER = 10_000;

    private DhcpdConfGenerator() {
    }

    public static String generate(int subnets) {
        StringBuilder sb = new StringBuilder(subnets * 180 + 1024);
        sb.append("# Generated benchmark configuration: ").append(subnets).append(" subnets under failover.\n")
                .append("authoritative;\nddns-update-style none;\ndefault-lease-time 600;\nmax-lease-time 7200;\n\n")
                .append("failover peer \"").append(PEER).append("\" {\n  primary;\n  address 198.18.0.1;\n  port 647;\n")
                .append("  peer address 198.18.0.2;\n  peer port 647;\n  max-response-delay 60;\n")
                .append("  max-unacked-updates 10;\n  mclt 3600;\n  split 128;\n  load balance max seconds 3;\n}\n");
        for (int i = 0; i < subnets; i++) {
            String net = "10." + (i >> 8 & 0xFF) + "." + (i & 0xFF) + ".";
            if (i >= 65_536) {
                net = (11 + (i >> 16)) + "." + (i >> 8 & 0xFF) + "." + (i & 0xFF) + ".";
            }
            sb.append("\nsubnet ").append(net).append("0 netmask 255.255.255.0 {\n")
                    .append("\toption routers ").append(net).append("1;\n")
                    .append("\tpool {\n");
            if (i != SCOPE_WITHOUT_FAILOVER) {
                sb.append("\t\tfailover peer \"").append(PEER).append("\";\n");
            }
            sb.append("\t\tdeny dynamic bootp clients;\n")
                    .append("\t\trange ").append(net).append("10 ").append(net).append("250;\n")
                    .append("\t}\n}\n");
        }
        return sb.toString();
    }

    /** The subnet generated without failover, as CIDR text. */
    public static String scopeWithoutFailover() {
        int i = SCOPE_WITHOUT_FAILOVER;
        return "10." + (i >> 8 & 0xFF) + "." + (i & 0xFF) + ".0/24";
    }

    public static void main(String[] args) throws IOException {
        int subnets = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        Files.writeString(Path.of(args[0]), generate(subnets), StandardCharsets.ISO_8859_1);
    }
}
