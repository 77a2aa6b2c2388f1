package org.tandem.failover;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.dhcpd.conf.FailoverChecks;
import org.tandem.dhcpd.conf.FailoverPeerSpec;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Range;
import org.tandem.servers.DhcpServer;

/**
 * The one place that says which failover relationships two peers' configurations declare, with which settings,
 * between which peers, over which subnets. The sync, the failover writes (on their planned configurations) and the
 * consistency check all call it, so the store can only ever cache what the servers say.
 *
 * <p>dhcpd: two {@code failover peer} blocks of one name that mirror each other ({@link FailoverChecks#mirror});
 * a subnet is in the relationship its first pool naming a peer names (seed 001: one relationship per scope, the first
 * pool's wins). Kea 2.2: two HA blocks that name each other and agree; HA is server-level, so every subnet of the
 * primary is in it. Kea's HA block has no relationship name: {@link Declared#name()} is null and the store keeps its own.
 */
public final class FailoverReader {

    private FailoverReader() {
    }

    /**
     * A relationship as two configurations declare it.
     *
     * @param name the dhcpd peer name; null for Kea
     * @param settings the relationship's values (id 0, no scope ids; {@code Normal} when it has subnets or is Kea)
     * @param addresses the dhcpd peers' failover addresses as written (both null for Kea)
     * @param subnets the member subnets, sorted
     */
    public record Declared(String name, FailoverRelationship settings, PeerAddresses.Pair addresses, List<Ipv4Range> subnets) {
        public Declared {
            subnets = List.copyOf(subnets);
        }

        /** The same, under the name Tandem stores it by (a new Kea pair's, which Kea does not name). */
        public Declared named(String relationshipName) {
            FailoverRelationship r = settings;
            return new Declared(name, new FailoverRelationship(r.id(), relationshipName, r.primaryServerId(), r.secondaryServerId(),
                    r.failoverMode(), r.percentage(), r.mclt(), r.port(), r.peerPort(), r.loadBalanceMaxSeconds(), r.maxResponseDelay(),
                    r.maxUnackedUpdates(), r.heartbeatDelay(), r.maxAckDelay(), r.maxUnackedClients(), r.autoFailover(), r.state(),
                    r.scopeIds()), addresses, subnets);
        }
    }

    /** One Kea server's configuration as far as HA membership needs it. */
    public record KeaView(Optional<KeaHaConfig> ha, List<Ipv4Range> subnets) {
        /** A configuration as read from the server. */
        public static KeaView of(KeaConfig config) {
            return new KeaView(config.ha(), config.subnets().stream().map(KeaSubnet::subnet).toList());
        }

        /** A configuration as planned. */
        public static KeaView of(KeaConfigDocument doc) {
            return new KeaView(doc.ha(), doc.subnets().stream().map(KeaSubnet::subnet).toList());
        }
    }

    /** Every mirrored {@code failover peer} pair between {@code x} and {@code y}. */
    public static List<Declared> dhcpd(DhcpServer x, DhcpdConfModel mx, DhcpServer y, DhcpdConfModel my) {
        List<Declared> out = new ArrayList<>();
        for (DhcpdConfModel.FailoverPeer px : mx.failoverPeers()) {
            Optional<DhcpdConfModel.FailoverPeer> py = my.failoverPeer(px.name());
            if (py.isEmpty() || px.effectiveRole() == py.get().effectiveRole()) {
                continue;
            }
            boolean xPrimary = px.effectiveRole() == DhcpdConfModel.Role.PRIMARY;
            DhcpdConfModel.FailoverPeer p = xPrimary ? px : py.get();
            DhcpdConfModel.FailoverPeer s = xPrimary ? py.get() : px;
            if (!FailoverChecks.mirror(p, s).isEmpty()) {
                continue;
            }
            DhcpServer primary = xPrimary ? x : y;
            DhcpServer secondary = xPrimary ? y : x;
            TreeSet<Ipv4Range> subnets = new TreeSet<>(FailoverReader::compare);
            subnets.addAll(memberSubnets(xPrimary ? mx : my, p.name()));
            subnets.addAll(memberSubnets(xPrimary ? my : mx, p.name()));
            // An hba bitmap (or no split at all) is shown as an even load balance; split 0 or 255 is hot standby.
            int split = p.split() == null ? 128 : p.split();
            FailoverRelationship.Mode mode = split == 0 || split == 255 ? FailoverRelationship.Mode.HotStandby
                    : FailoverRelationship.Mode.LoadBalance;
            FailoverRelationship settings = new FailoverRelationship(0, p.name(), primary.id(), secondary.id(), mode,
                    (int) Math.round(split * 100 / 256.0), orDefault(p.mclt(), FailoverPeerSpec.DEFAULT_MCLT),
                    p.effectivePort(), p.effectivePeerPort(),
                    orDefault(p.loadBalanceMaxSeconds(), FailoverPeerSpec.DEFAULT_LOAD_BALANCE_MAX_SECONDS),
                    orDefault(p.maxResponseDelay(), FailoverPeerSpec.DEFAULT_MAX_RESPONSE_DELAY),
                    orDefault(p.maxUnackedUpdates(), FailoverPeerSpec.DEFAULT_MAX_UNACKED_UPDATES),
                    null, null, null, null,
                    subnets.isEmpty() ? FailoverRelationship.State.Empty : FailoverRelationship.State.Normal, List.of());
            out.add(new Declared(p.name(), settings, new PeerAddresses.Pair(p.address(), s.address()), List.copyOf(subnets)));
        }
        return out;
    }

    /**
     * The subnets of one dhcpd config that belong to peer {@code name}: those whose first pool naming any peer
     * names this one. A subnet whose pools name two peers belongs to the first only.
     */
    public static List<Ipv4Range> memberSubnets(DhcpdConfModel model, String name) {
        List<Ipv4Range> out = new ArrayList<>();
        for (DhcpdConfModel.Subnet subnet : model.subnets()) {
            if (peerOf(subnet).filter(name::equals).isPresent()) {
                out.add(subnet.range());
            }
        }
        return out;
    }

    /** The peer a dhcpd subnet is in failover with: the one its first pool naming a peer names. */
    public static Optional<String> peerOf(DhcpdConfModel.Subnet subnet) {
        return subnet.pools().stream().map(DhcpdConfModel.Pool::failoverPeer).filter(p -> p != null).findFirst();
    }

    /** The HA relationship between two Kea servers, if their HA blocks name each other and agree. */
    public static Optional<Declared> kea(DhcpServer x, KeaView cx, DhcpServer y, KeaView cy) {
        if (cx.ha().isEmpty() || cy.ha().isEmpty()) {
            return Optional.empty();
        }
        KeaHaConfig hx = cx.ha().get();
        KeaHaConfig hy = cy.ha().get();
        if (hx.thisServerName().equals(hy.thisServerName()) || hx.peer(hy.thisServerName()).isEmpty()
                || hy.peer(hx.thisServerName()).isEmpty() || !hx.asSeenBy("_").equals(hy.asSeenBy("_"))) {
            return Optional.empty();
        }
        boolean xPrimary = hx.peer(hx.thisServerName()).orElseThrow().role() == KeaHaConfig.Role.PRIMARY;
        DhcpServer primary = xPrimary ? x : y;
        DhcpServer secondary = xPrimary ? y : x;
        KeaHaConfig block = xPrimary ? hx : hy;
        FailoverRelationship.Mode mode = switch (block.mode()) {
            case LOAD_BALANCING -> FailoverRelationship.Mode.LoadBalance;
            case HOT_STANDBY -> FailoverRelationship.Mode.HotStandby;
            case PASSIVE_BACKUP -> FailoverRelationship.Mode.PassiveBackup;
        };
        boolean autoFailover = block.peers().stream().allMatch(KeaHaConfig.Peer::autoFailover);
        int port = block.peer(block.thisServerName()).map(peer -> peer.url().getPort()).orElse(-1);
        int peerPort = block.peers().stream().filter(peer -> !peer.name().equals(block.thisServerName())).findFirst()
                .map(peer -> peer.url().getPort()).orElse(-1);
        TreeSet<Ipv4Range> subnets = new TreeSet<>(FailoverReader::compare);
        subnets.addAll((xPrimary ? cx : cy).subnets());
        // Kea HA times are milliseconds; maxResponseDelay carries Kea's max-response-delay in ms for a Kea pair.
        FailoverRelationship settings = new FailoverRelationship(0, primary.name() + "-" + secondary.name(), primary.id(), secondary.id(),
                mode, mode == FailoverRelationship.Mode.LoadBalance ? 50 : 100, 0, Math.max(port, 0), Math.max(peerPort, 0), 0,
                block.maxResponseDelayMs(), 0, block.heartbeatDelayMs(), block.maxAckDelayMs(),
                (int) Math.min(Integer.MAX_VALUE, block.maxUnackedClients()), autoFailover, FailoverRelationship.State.Normal, List.of());
        return Optional.of(new Declared(null, settings, new PeerAddresses.Pair(null, null), List.copyOf(subnets)));
    }

    private static int compare(Ipv4Range a, Ipv4Range b) {
        int c = a.first().compareTo(b.first());
        return c != 0 ? c : a.last().compareTo(b.last());
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }
}
