package org.tandem.dhcpd.conf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.tandem.dhcpd.conf.DhcpdConfModel.FailoverPeer;
import org.tandem.dhcpd.conf.DhcpdConfModel.Pool;
import org.tandem.dhcpd.conf.DhcpdConfModel.Role;
import org.tandem.dhcpd.conf.DhcpdConfModel.Subnet;
import org.tandem.net.Ipv4Range;

/**
 * Checks across the two servers of a relationship that {@code dhcpd -t} cannot make, because it sees one
 * file: the peer blocks mirror each other, and both serve the same pools under failover. dhcpd itself
 * only notices a mismatch at run time ("unknown failover relationship name", "bind update ... rejected:
 * unknown IP address"), or not at all.
 */
public final class FailoverChecks {

    private FailoverChecks() {
    }

    /** One problem found, naming the parameter or scope it is about. */
    public record Finding(String field, String message) {
    }

    /** Both checks for the relationship {@code peerName}, given each server's model. */
    public static List<Finding> check(DhcpdConfModel primary, DhcpdConfModel secondary, String peerName) {
        List<Finding> out = new ArrayList<>();
        Optional<FailoverPeer> p = primary.failoverPeer(peerName);
        Optional<FailoverPeer> s = secondary.failoverPeer(peerName);
        if (p.isEmpty()) {
            out.add(new Finding("name", "the primary's configuration declares no failover peer \"" + peerName + "\""));
        }
        if (s.isEmpty()) {
            out.add(new Finding("name", "the secondary's configuration declares no failover peer \"" + peerName + "\""));
        }
        if (p.isPresent() && s.isPresent()) {
            out.addAll(mirror(p.get(), s.get()));
        }
        out.addAll(samePools(primary, secondary, peerName));
        return out;
    }

    /**
     * The primary's and the secondary's peer blocks mirror each other: same name, roles primary and
     * secondary, each one's address and port equal to the other's peer address and peer port, and
     * mclt and split/hba on the primary only.
     */
    public static List<Finding> mirror(FailoverPeer primary, FailoverPeer secondary) {
        List<Finding> out = new ArrayList<>();
        if (!primary.name().equals(secondary.name())) {
            out.add(new Finding("name", "the peer names differ (\"" + primary.name() + "\" and \"" + secondary.name()
                    + "\"); dhcpd refuses to connect peers with different relationship names"));
        }
        if (primary.effectiveRole() != Role.PRIMARY) {
            out.add(new Finding("role", "the primary's block (line " + primary.line() + ") says 'secondary;'"));
        }
        if (secondary.role() != Role.SECONDARY) {
            out.add(new Finding("role", "the secondary's block (line " + secondary.line()
                    + ") must say 'secondary;' (without it dhcpd takes the server as primary)"));
        }
        crossed(out, "address", primary.address(), "peer address", secondary.peerAddress(), "primary", "secondary");
        crossed(out, "address", secondary.address(), "peer address", primary.peerAddress(), "secondary", "primary");
        crossed(out, "port", String.valueOf(primary.effectivePort()), "peer port",
                String.valueOf(secondary.effectivePeerPort()), "primary", "secondary");
        crossed(out, "port", String.valueOf(secondary.effectivePort()), "peer port",
                String.valueOf(primary.effectivePeerPort()), "secondary", "primary");
        if (primary.mclt() == null) {
            out.add(new Finding("mclt", "the primary's block has no mclt; dhcpd requires it on the primary"));
        }
        if (primary.split() == null && primary.hba() == null) {
            out.add(new Finding("split", "the primary's block has neither split nor hba; dhcpd requires one"));
        }
        if (secondary.mclt() != null) {
            out.add(new Finding("mclt", "the secondary's block sets mclt " + secondary.mclt()
                    + "; only the primary's counts (the secondary learns it when they connect), so remove it"));
        }
        if (secondary.split() != null || secondary.hba() != null) {
            out.add(new Finding("split", "the secondary's block sets split or hba; dhcpd refuses load balance settings"
                    + " on the secondary"));
        }
        return out;
    }

    private static void crossed(List<Finding> out, String field, String value, String otherField, String otherValue,
            String side, String otherSide) {
        if (!Objects.equals(value, otherValue)) {
            out.add(new Finding(field, "the " + side + "'s " + field + " (" + value + ") differs from the " + otherSide
                    + "'s " + otherField + " (" + otherValue + ")"));
        }
    }

    /**
     * Every subnet that either server runs under {@code peerName} exists on both, with the same pools (the
     * same ranges), and every one of those pools names the peer on both servers.
     */
    public static List<Finding> samePools(DhcpdConfModel primary, DhcpdConfModel secondary, String peerName) {
        List<Finding> out = new ArrayList<>();
        Set<Ipv4Range> scopes = new LinkedHashSet<>();
        primary.subnetsReferencing(peerName).forEach(s -> scopes.add(s.range()));
        secondary.subnetsReferencing(peerName).forEach(s -> scopes.add(s.range()));
        for (Ipv4Range range : scopes) {
            Optional<Subnet> p = primary.subnet(range);
            Optional<Subnet> s = secondary.subnet(range);
            if (p.isEmpty() || s.isEmpty()) {
                out.add(new Finding("subnet", "subnet " + range + " is in the relationship on the "
                        + (p.isEmpty() ? "secondary" : "primary") + " but missing on the " + (p.isEmpty() ? "primary" : "secondary")));
                continue;
            }
            List<String> pp = poolShapes(p.get());
            List<String> sp = poolShapes(s.get());
            if (!pp.equals(sp)) {
                out.add(new Finding("pools", "subnet " + range + " has different pools: primary " + pp + ", secondary " + sp));
            }
            unreferenced(out, "primary", p.get(), peerName);
            unreferenced(out, "secondary", s.get(), peerName);
        }
        return out;
    }

    private static List<String> poolShapes(Subnet subnet) {
        List<String> out = new ArrayList<>();
        for (Pool pool : subnet.pools()) {
            out.add(pool.ranges().stream().map(r -> r.range().first() + "-" + r.range().last())
                    .sorted(Comparator.naturalOrder()).toList().toString());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    private static void unreferenced(List<Finding> out, String side, Subnet subnet, String peerName) {
        for (Pool pool : subnet.pools()) {
            if (!peerName.equals(pool.failoverPeer())) {
                out.add(new Finding("pools", "on the " + side + ", the pool at line " + pool.line() + " of subnet "
                        + subnet.range() + " does not name failover peer \"" + peerName + "\"; dhcpd needs every pool"
                        + " of a failover scope under failover on both servers"));
            }
        }
    }
}
