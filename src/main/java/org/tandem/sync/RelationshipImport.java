package org.tandem.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.Actor;
import org.tandem.changelog.ChangeLog;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.dhcpd.conf.FailoverChecks;
import org.tandem.dhcpd.conf.FailoverPeerSpec;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverRepository;
import org.tandem.failover.PeerAddresses;
import org.tandem.kea.KeaHaRelationship;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.ScopeRepository;
import org.tandem.servers.DhcpServer;

/**
 * Finds failover relationships that already exist on registered servers and stores them: two dhcpd servers
 * whose {@code failover peer} blocks of one name mirror each other (checked by {@link FailoverChecks#mirror}),
 * and two Kea servers whose HA blocks name each other (found by the Kea engine). A relationship already stored
 * for the same pair is updated (its scopes), never duplicated; the write is logged as Tandem's own.
 */
public final class RelationshipImport {

    private static final Logger log = LoggerFactory.getLogger(RelationshipImport.class);

    private final FailoverRepository relationships;
    private final ScopeRepository scopes;
    private final StoreImport store;
    private final ChangeLog changeLog;
    private final PeerAddresses peerAddresses;

    public RelationshipImport(FailoverRepository relationships, ScopeRepository scopes, StoreImport store, ChangeLog changeLog,
            PeerAddresses peerAddresses) {
        this.peerAddresses = peerAddresses;
        this.relationships = relationships;
        this.scopes = scopes;
        this.store = store;
        this.changeLog = changeLog;
    }

    /** Every mirrored peer pair among the given dhcpd servers' configs; returns the stored relationships. */
    public List<FailoverRelationship> fromDhcpd(Map<DhcpServer, DhcpdConfModel> models) {
        List<FailoverRelationship> out = new ArrayList<>();
        List<DhcpServer> servers = new ArrayList<>(models.keySet());
        for (int i = 0; i < servers.size(); i++) {
            for (int j = i + 1; j < servers.size(); j++) {
                DhcpServer x = servers.get(i);
                DhcpServer y = servers.get(j);
                for (DhcpdConfModel.FailoverPeer px : models.get(x).failoverPeers()) {
                    Optional<DhcpdConfModel.FailoverPeer> py = models.get(y).failoverPeer(px.name());
                    if (py.isEmpty()) {
                        continue;
                    }
                    boolean xPrimary = px.effectiveRole() == DhcpdConfModel.Role.PRIMARY;
                    DhcpdConfModel.FailoverPeer p = xPrimary ? px : py.get();
                    DhcpdConfModel.FailoverPeer s = xPrimary ? py.get() : px;
                    List<FailoverChecks.Finding> findings = FailoverChecks.mirror(p, s);
                    if (!findings.isEmpty()) {
                        log.info("failover peer \"{}\" on {} and {} does not mirror: {}", px.name(), x.name(), y.name(), findings);
                        continue;
                    }
                    DhcpServer primary = xPrimary ? x : y;
                    DhcpServer secondary = xPrimary ? y : x;
                    List<Long> scopeIds = new ArrayList<>();
                    for (DhcpServer server : List.of(primary, secondary)) {
                        for (DhcpdConfModel.Subnet subnet : models.get(server).subnetsReferencing(p.name())) {
                            store.scopeOf(server, subnet.range()).ifPresent(scope -> scopeIds.add(scope.id()));
                        }
                    }
                    // An hba bitmap (or no split at all) is shown as an even load balance; split 0 or 255 is hot standby.
                    int split = p.split() == null ? 128 : p.split();
                    FailoverRelationship.Mode mode = split == 0 || split == 255 ? FailoverRelationship.Mode.HotStandby
                            : FailoverRelationship.Mode.LoadBalance;
                    FailoverRelationship saved = save(new FailoverRelationship(0, p.name(), primary.id(), secondary.id(), mode,
                            (int) Math.round(split * 100 / 256.0), orDefault(p.mclt(), FailoverPeerSpec.DEFAULT_MCLT),
                            p.effectivePort(), p.effectivePeerPort(),
                            orDefault(p.loadBalanceMaxSeconds(), FailoverPeerSpec.DEFAULT_LOAD_BALANCE_MAX_SECONDS),
                            orDefault(p.maxResponseDelay(), FailoverPeerSpec.DEFAULT_MAX_RESPONSE_DELAY),
                            orDefault(p.maxUnackedUpdates(), FailoverPeerSpec.DEFAULT_MAX_UNACKED_UPDATES),
                            null, null, null, null, FailoverRelationship.State.Empty, scopeIds), primary, secondary);
                    if (saved.primaryServerId() == primary.id() && saved.secondaryServerId() == secondary.id()) {
                        // dhcpd often talks failover on another address than the one its agent listens on;
                        // the failover engine writes these back, so they must be the ones in the config.
                        peerAddresses.save(saved.id(), new PeerAddresses.Pair(differentOrNull(p.address(), primary),
                                differentOrNull(s.address(), secondary)));
                    }
                    out.add(saved);
                }
            }
        }
        return out;
    }

    /**
     * Stores the Kea HA pairs the engine found. Kea 2.2's HA block has no relationship name, so a new one is
     * named after its servers; an existing relationship of the same two servers keeps its name.
     */
    public List<FailoverRelationship> fromKea(List<KeaHaRelationship> found, Map<String, DhcpServer> serversByName) {
        List<FailoverRelationship> out = new ArrayList<>();
        for (KeaHaRelationship r : found) {
            DhcpServer primary = serversByName.get(r.primaryServer());
            DhcpServer secondary = serversByName.get(r.secondaryServer());
            if (primary == null || secondary == null) {
                continue;
            }
            KeaHaConfig block = r.primaryBlock();
            FailoverRelationship.Mode mode = switch (r.mode()) {
                case LOAD_BALANCING -> FailoverRelationship.Mode.LoadBalance;
                case HOT_STANDBY -> FailoverRelationship.Mode.HotStandby;
                case PASSIVE_BACKUP -> FailoverRelationship.Mode.PassiveBackup;
            };
            boolean autoFailover = block.peers().stream().allMatch(KeaHaConfig.Peer::autoFailover);
            int port = block.peer(block.thisServerName()).map(peer -> peer.url().getPort()).orElse(-1);
            int peerPort = block.peers().stream().filter(peer -> !peer.name().equals(block.thisServerName())).findFirst()
                    .map(peer -> peer.url().getPort()).orElse(-1);
            List<Long> scopeIds = new ArrayList<>(store.scopeIdsOf(primary));
            scopeIds.addAll(store.scopeIdsOf(secondary));
            // Kea HA times are milliseconds; maxResponseDelay carries Kea's max-response-delay in ms for a Kea pair.
            out.add(save(new FailoverRelationship(0, primary.name() + "-" + secondary.name(), primary.id(), secondary.id(), mode,
                    mode == FailoverRelationship.Mode.LoadBalance ? 50 : 100, 0, Math.max(port, 0), Math.max(peerPort, 0), 0,
                    block.maxResponseDelayMs(), 0, block.heartbeatDelayMs(), block.maxAckDelayMs(),
                    (int) Math.min(Integer.MAX_VALUE, block.maxUnackedClients()), autoFailover,
                    FailoverRelationship.State.Empty, scopeIds), primary, secondary));
        }
        return out;
    }

    /** Inserts the relationship, or links the scopes of the stored one with the same servers; logged when anything changes. */
    private FailoverRelationship save(FailoverRelationship found, DhcpServer primary, DhcpServer secondary) {
        String comment = "Failover relationship found on DHCP servers \"" + primary.name() + "\" and \"" + secondary.name() + "\"";
        return changeLog.write(Actor.SYSTEM, comment, recorder -> {
            Optional<FailoverRelationship> existing = relationships.list(primary.id()).stream()
                    .filter(r -> samePair(r, primary, secondary) && (r.name().equals(found.name()) || isKea(found)))
                    .findFirst();
            if (existing.isEmpty() && relationships.findByName(found.name()).isPresent()) {
                log.warn("a failover relationship named \"{}\" exists between other servers; {} not stored", found.name(), comment);
                return relationships.findByName(found.name()).orElseThrow();
            }
            String name = existing.map(FailoverRelationship::name).orElse(found.name());
            Set<Long> scopeIds = new LinkedHashSet<>();
            if (existing.isPresent()) {
                scopeIds.addAll(existing.get().scopeIds());
            }
            for (long id : found.scopeIds()) {
                // One relationship per scope: a scope already in another relationship stays there.
                Optional<String> owner = scopes.failoverRelationshipName(id);
                if (owner.isEmpty() || owner.get().equals(name)) {
                    scopeIds.add(id);
                }
            }
            FailoverRelationship.State state = scopeIds.isEmpty() ? FailoverRelationship.State.Empty : FailoverRelationship.State.Normal;
            if (existing.isPresent()) {
                FailoverRelationship before = existing.get();
                FailoverRelationship after = new FailoverRelationship(before.id(), before.name(), before.primaryServerId(),
                        before.secondaryServerId(), before.failoverMode(), before.percentage(), before.mclt(), before.port(),
                        before.peerPort(), before.loadBalanceMaxSeconds(), before.maxResponseDelay(), before.maxUnackedUpdates(),
                        before.heartbeatDelay(), before.maxAckDelay(), before.maxUnackedClients(), before.autoFailover(), state,
                        List.copyOf(scopeIds));
                if (!after.equals(before)) {
                    relationships.update(after);
                    recorder.modified(FailoverRelationship.OBJ_TYPE, after.ref(), snapshot(before), snapshot(after));
                }
                return after;
            }
            FailoverRelationship draft = new FailoverRelationship(0, name, found.primaryServerId(), found.secondaryServerId(),
                    found.failoverMode(), found.percentage(), found.mclt(), found.port(), found.peerPort(), found.loadBalanceMaxSeconds(),
                    found.maxResponseDelay(), found.maxUnackedUpdates(), found.heartbeatDelay(), found.maxAckDelay(),
                    found.maxUnackedClients(), found.autoFailover(), state, List.copyOf(scopeIds));
            FailoverRelationship created = relationships.findById(relationships.insert(draft)).orElseThrow();
            recorder.created(FailoverRelationship.OBJ_TYPE, created.ref(), snapshot(created));
            log.info("found failover relationship \"{}\" between {} and {}", name, primary.name(), secondary.name());
            return created;
        });
    }

    /** A Kea pair's relationship is the pair itself (Kea 2.2 has one per server), whatever Tandem named it. */
    private static boolean isKea(FailoverRelationship found) {
        return found.heartbeatDelay() != null;
    }

    private static boolean samePair(FailoverRelationship r, DhcpServer a, DhcpServer b) {
        return (r.primaryServerId() == a.id() && r.secondaryServerId() == b.id())
                || (r.primaryServerId() == b.id() && r.secondaryServerId() == a.id());
    }

    private static String differentOrNull(String address, DhcpServer server) {
        return address == null || address.equals(server.address()) ? null : address;
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static Map<String, Object> snapshot(FailoverRelationship r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", r.ref());
        m.put("name", r.name());
        m.put("primaryServerRef", DhcpServer.RESOURCE + "/" + r.primaryServerId());
        m.put("secondaryServerRef", DhcpServer.RESOURCE + "/" + r.secondaryServerId());
        m.put("failoverMode", r.failoverMode().name());
        m.put("state", r.state().name());
        m.put("dhcpScopeRefs", r.scopeIds().stream().map(id -> DhcpScope.RESOURCE + "/" + id).toList());
        return m;
    }
}
