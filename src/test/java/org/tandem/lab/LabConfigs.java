package org.tandem.lab;

/**
 * dhcpd.conf texts for lab tests: a failover pair as the research notes verified it (primary with
 * mclt and split, secondary without) and a pool that references it.
 */
public final class LabConfigs {

    public static final String RELATIONSHIP = "tandem-fo";

    private LabConfigs() {}

    /** The failover config of {@code self} in {@code lab}; extra is appended inside the pool (for edits). */
    public static String failover(DhcpdLab lab, DhcpdLab.Server self, String poolExtra) {
        String p = lab.subnetPrefix();
        return "# Tandem lab failover config for server " + self.label() + "\n"
                + lab.omapiStatements()
                + "ddns-update-style none;\n"
                + "default-lease-time 600;\n"
                + "max-lease-time 7200;\n"
                + peer(lab, self, RELATIONSHIP, 10, 30)
                + "subnet " + p + ".0 netmask 255.255.255.0 {\n"
                + "  pool {\n"
                + "    failover peer \"" + RELATIONSHIP + "\";\n"
                + "    deny dynamic bootp clients;\n"
                + "    range " + p + ".100 " + p + ".199;\n"
                + poolExtra
                + "  }\n"
                + "}\n";
    }

    /**
     * The {@code failover peer} block of {@code self} in {@code lab}: load balancing with split 128; the primary carries
     * mclt and split, the secondary neither, as dhcpd wants.
     */
    public static String peer(DhcpdLab lab, DhcpdLab.Server self, String name, int maxResponseDelay, int mclt) {
        boolean primary = self.equals(lab.primary());
        DhcpdLab.Server peer = primary ? lab.secondary() : lab.primary();
        return "failover peer \"" + name + "\" {\n"
                + "  " + (primary ? "primary" : "secondary") + ";\n"
                + "  address " + self.address() + ";\n"
                + "  port " + DhcpdLab.FAILOVER_PORT + ";\n"
                + "  peer address " + peer.address() + ";\n"
                + "  peer port " + DhcpdLab.FAILOVER_PORT + ";\n"
                + "  max-response-delay " + maxResponseDelay + ";\n"
                + "  max-unacked-updates 10;\n"
                + (primary ? "  mclt " + mclt + ";\n  split 128;\n" : "")
                + "  load balance max seconds 3;\n"
                + "}\n";
    }
}
