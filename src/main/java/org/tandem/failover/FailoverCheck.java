package org.tandem.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import org.tandem.change.Parallel;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfEditor;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.dhcpd.conf.FailoverChecks;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.ScopeRepository;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/**
 * The consistency check ({@code ./tandem check}, {@code CheckDHCPFailover}): for each relationship, Central's store
 * against what both peers' configurations declare ({@link FailoverReader}), and the two peers against each other for
 * what failover needs identical: every scope of the relationship on both, with the same declaration (dhcpd: the
 * subnet's text, pools, ranges, options and hosts inside it; Kea: subnet id, pools, reservations and options). It reads
 * the servers fresh and changes nothing; every difference is named. {@code ReplicateDHCPFailover} repairs the peers'.
 */
public final class FailoverCheck {

    /** What a finding compares: Central's store against the servers, or one peer against the other. */
    public enum Kind { Store, Peers, Unreachable }

    /**
     * One difference.
     *
     * @param relationship the relationship's name
     * @param kind what was compared
     * @param subnet the scope concerned, or null for the relationship itself
     * @param message what differs, in words a person can act on
     */
    public record Finding(String relationship, Kind kind, Ipv4Range subnet, String message) {}

    private final FailoverService failover;
    private final FailoverRepository relationships;
    private final ScopeRepository scopes;
    private final ServerTargets targets;
    private final KeaEngine kea;

    public FailoverCheck(FailoverService failover, FailoverRepository relationships, ScopeRepository scopes, ServerTargets targets,
            KeaEngine kea) {
        this.failover = Objects.requireNonNull(failover);
        this.relationships = Objects.requireNonNull(relationships);
        this.scopes = Objects.requireNonNull(scopes);
        this.targets = Objects.requireNonNull(targets);
        this.kea = Objects.requireNonNull(kea);
    }

    /** Every relationship (of one server, or one by name, when given); findings in relationship order. */
    public List<Finding> check(String serverRef, String relationshipName) {
        List<FailoverRelationship> all = relationshipName != null ? List.of(failover.get(serverRef, relationshipName))
                : failover.list(serverRef);
        List<Finding> out = new ArrayList<>();
        for (FailoverRelationship r : all) {
            out.addAll(check(r));
        }
        return out;
    }

    /** One relationship's findings. */
    public List<Finding> check(FailoverRelationship r) {
        DhcpServer primary = failover.server(r.primaryServerId());
        DhcpServer secondary = failover.server(r.secondaryServerId());
        List<Finding> out = new ArrayList<>();
        try {
            if (primary.type() == ServerType.ISC) {
                Parallel.Pair<String, String> texts = Parallel.both(() -> targets.target(primary).read().text(),
                        () -> targets.target(secondary).read().text());
                checkDhcpd(r, primary, DhcpdConf.parse(texts.first()), secondary, DhcpdConf.parse(texts.second()), out);
            } else {
                Parallel.Pair<KeaConfig, KeaConfig> configs = Parallel.both(() -> kea.sync(ServerTargets.keaClient(primary)),
                        () -> kea.sync(ServerTargets.keaClient(secondary)));
                checkKea(r, primary, configs.first(), secondary, configs.second(), out);
            }
        } catch (UserError e) {
            out.add(new Finding(r.name(), Kind.Unreachable, null, "the servers' configurations could not be read: " + e.getMessage()));
        }
        return out;
    }

    private void checkDhcpd(FailoverRelationship r, DhcpServer primary, DhcpdConf a, DhcpServer secondary, DhcpdConf b,
            List<Finding> out) {
        DhcpdConfModel ma = a.model();
        DhcpdConfModel mb = b.model();
        Optional<FailoverReader.Declared> declared = FailoverReader.dhcpd(primary, ma, secondary, mb).stream()
                .filter(d -> d.name().equals(r.name())).findFirst();
        if (declared.isEmpty()) {
            boolean onA = ma.failoverPeer(r.name()).isPresent();
            boolean onB = mb.failoverPeer(r.name()).isPresent();
            if (onA && onB) {
                FailoverChecks.mirror(ma.failoverPeer(r.name()).get(), mb.failoverPeer(r.name()).get()).forEach(f ->
                        out.add(new Finding(r.name(), Kind.Peers, null, "the peer blocks do not mirror each other: " + f.message())));
            } else if (onA || onB) {
                out.add(new Finding(r.name(), Kind.Peers, null, "failover peer \"" + r.name() + "\" is declared on \""
                        + (onA ? primary : secondary).name() + "\" only"));
            } else if (r.state() != FailoverRelationship.State.Empty) {
                out.add(new Finding(r.name(), Kind.Store, null, "Central lists it as " + r.state() + " but neither server declares it"));
            }
            storeScopes(r, List.of(), out);
            return;
        }
        compareStore(r, declared.get(), out);
        DhcpdConfEditor ea = new DhcpdConfEditor(a);
        DhcpdConfEditor eb = new DhcpdConfEditor(b);
        for (Ipv4Range subnet : declared.get().subnets()) {
            Optional<String> ta = ea.subnetText(subnet);
            Optional<String> tb = eb.subnetText(subnet);
            if (ta.isEmpty() || tb.isEmpty()) {
                out.add(new Finding(r.name(), Kind.Peers, subnet, "the scope is on \"" + (ta.isEmpty() ? secondary : primary).name()
                        + "\" only"));
            } else if (!normalized(ta.get()).equals(normalized(tb.get()))) {
                out.add(new Finding(r.name(), Kind.Peers, subnet, "the scope's declaration differs between \"" + primary.name() + "\" and \""
                        + secondary.name() + "\" (pools, ranges, options or hosts)"));
            }
            List<String> ha = hostsIn(ma, subnet);
            List<String> hb = hostsIn(mb, subnet);
            if (!ha.equals(hb)) {
                out.add(new Finding(r.name(), Kind.Peers, subnet, "the reservations in the scope differ: \"" + primary.name() + "\" has "
                        + ha + ", \"" + secondary.name() + "\" has " + hb));
            }
        }
    }

    private void checkKea(FailoverRelationship r, DhcpServer primary, KeaConfig a, DhcpServer secondary, KeaConfig b, List<Finding> out) {
        Optional<FailoverReader.Declared> declared = FailoverReader.kea(primary, FailoverReader.KeaView.of(a), secondary, FailoverReader.KeaView.of(b));
        if (declared.isEmpty()) {
            out.add(new Finding(r.name(), a.ha().isEmpty() && b.ha().isEmpty() ? Kind.Store : Kind.Peers, null,
                    a.ha().isEmpty() && b.ha().isEmpty() ? "Central lists it but neither server has HA configured"
                            : "the HA blocks of \"" + primary.name() + "\" and \"" + secondary.name() + "\" do not name each other or differ"));
            storeScopes(r, List.of(), out);
            return;
        }
        compareStore(r, declared.get(), out);
        for (Ipv4Range subnet : declared.get().subnets()) {
            Optional<KeaSubnet> sa = a.subnets().stream().filter(s -> s.subnet().equals(subnet)).findFirst();
            Optional<KeaSubnet> sb = b.subnets().stream().filter(s -> s.subnet().equals(subnet)).findFirst();
            if (sb.isEmpty()) {
                out.add(new Finding(r.name(), Kind.Peers, subnet, "the scope is on \"" + primary.name() + "\" only"));
            } else if (sa.get().id() != sb.get().id()) {
                out.add(new Finding(r.name(), Kind.Peers, subnet, "subnet id " + sa.get().id() + " on \"" + primary.name() + "\" but "
                        + sb.get().id() + " on \"" + secondary.name() + "\"; HA peers need identical ids"));
            } else if (!sa.get().equals(sb.get())) {
                out.add(new Finding(r.name(), Kind.Peers, subnet, "the scope differs between \"" + primary.name() + "\" and \""
                        + secondary.name() + "\" (pools, reservations or options)"));
            }
        }
        for (KeaSubnet s : b.subnets()) {
            if (!declared.get().subnets().contains(s.subnet())) {
                out.add(new Finding(r.name(), Kind.Peers, s.subnet(), "the scope is on \"" + secondary.name() + "\" only"));
            }
        }
    }

    /** The store's settings and scope list against the servers'. */
    private void compareStore(FailoverRelationship r, FailoverReader.Declared declared, List<Finding> out) {
        FailoverRelationship d = declared.settings();
        List<String> diffs = new ArrayList<>();
        differs(diffs, "primary server", failover.server(r.primaryServerId()).name(), failover.server(d.primaryServerId()).name());
        differs(diffs, "failoverMode", r.failoverMode(), d.failoverMode());
        differs(diffs, "mclt", r.mclt(), d.mclt());
        differs(diffs, "port", r.port(), d.port());
        differs(diffs, "peerPort", r.peerPort(), d.peerPort());
        differs(diffs, "maxResponseDelay", r.maxResponseDelay(), d.maxResponseDelay());
        differs(diffs, "maxUnackedUpdates", r.maxUnackedUpdates(), d.maxUnackedUpdates());
        differs(diffs, "loadBalanceMaxSeconds", r.loadBalanceMaxSeconds(), d.loadBalanceMaxSeconds());
        differs(diffs, "heartbeatDelay", r.heartbeatDelay(), d.heartbeatDelay());
        differs(diffs, "maxAckDelay", r.maxAckDelay(), d.maxAckDelay());
        differs(diffs, "state", r.state(), d.state());
        for (String diff : diffs) {
            out.add(new Finding(r.name(), Kind.Store, null, diff + " (a sync takes the servers' values)"));
        }
        storeScopes(r, declared.subnets(), out);
    }

    /** The store's scope list against the subnets the servers declare in the relationship. */
    private void storeScopes(FailoverRelationship r, List<Ipv4Range> declared, List<Finding> out) {
        TreeSet<String> stored = new TreeSet<>();
        for (long id : r.scopeIds()) {
            scopes.findById(id).map(DhcpScope::addresses).ifPresent(a -> stored.add(a.toString()));
        }
        for (Ipv4Range subnet : declared) {
            if (!stored.remove(subnet.toString())) {
                out.add(new Finding(r.name(), Kind.Store, subnet, "the servers run the scope in the relationship; Central does not list it"
                        + " (a sync takes the servers' view)"));
            }
        }
        for (String left : stored) {
            out.add(new Finding(r.name(), Kind.Store, null, "Central lists scope " + left + " in the relationship; the servers do not run it"
                    + " in failover (a sync takes the servers' view)"));
        }
    }

    private static void differs(List<String> out, String field, Object stored, Object servers) {
        if (!Objects.equals(stored, servers)) {
            out.add(field + ": Central has " + stored + ", the servers have " + servers);
        }
    }

    /** A subnet declaration with its layout (indentation, blank lines, comments' spacing) taken out. */
    private static String normalized(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce("", (x, y) -> x + y + "\n");
    }

    /** The hosts with a fixed address inside the subnet, as "name mac address", sorted. */
    private static List<String> hostsIn(DhcpdConfModel model, Ipv4Range subnet) {
        TreeSet<String> out = new TreeSet<>();
        for (DhcpdConfModel.Host h : model.hosts()) {
            for (String address : h.fixedAddresses()) {
                if (org.tandem.net.Ipv4Address.isValid(address) && subnet.contains(org.tandem.net.Ipv4Address.parse("address", address))) {
                    out.add(h.name() + " " + h.hardwareEthernet() + " " + address);
                }
            }
        }
        return new ArrayList<>(out);
    }

}
