package org.tandem.failover;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.changelog.ChangeLog;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.RangeRepository;
import org.tandem.scope.ScopeRepository;
import org.tandem.servers.DhcpServer;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/**
 * Central's cache of the relationships the servers declare: the only code that writes a relationship's settings,
 * peers and scope membership to the store, and it writes only what {@link FailoverReader} read from two
 * configurations (the servers' own on a sync, the planned ones on a write). The store keeps by itself only what no
 * configuration holds: Tandem's name for a Kea pair and dhcpd relationships that are still {@code Empty}.
 */
public final class FailoverCache {

    private static final Logger log = LoggerFactory.getLogger(FailoverCache.class);

    private final FailoverRepository relationships;
    private final ScopeRepository scopes;
    private final RangeRepository ranges;
    private final PeerAddresses peerAddresses;

    public FailoverCache(FailoverRepository relationships, ScopeRepository scopes, RangeRepository ranges, PeerAddresses peerAddresses) {
        this.relationships = relationships;
        this.scopes = scopes;
        this.ranges = ranges;
        this.peerAddresses = peerAddresses;
    }

    /**
     * Makes the store say what {@code found} says: inserts it, or updates {@code stored} (settings, which server is
     * primary, member scopes, state, failover addresses). Each difference is recorded in {@code log}; returns the
     * stored record. A member subnet is listed by the primary's instance (the secondary's when only it has one); a
     * subnet with no stored instance, or whose instance another relationship already lists, is left out and logged.
     */
    public FailoverRelationship record(ChangeLog.Recorder changes, FailoverReader.Declared found, DhcpServer primary, DhcpServer secondary,
            FailoverRelationship stored) {
        String name = stored != null ? stored.name() : found.settings().name();
        // Read once for the whole relationship: it may hold thousands of scopes, and this runs inside a write's commit.
        Map<Ipv4Range, DhcpScope> onPrimary = instancesOf(primary);
        Map<Ipv4Range, DhcpScope> onSecondary = instancesOf(secondary);
        Map<Long, String> owners = new HashMap<>();
        for (FailoverRelationship r : relationships.list(null)) {
            r.scopeIds().forEach(id -> owners.put(id, r.name()));
        }
        List<Long> ids = new ArrayList<>();
        for (Ipv4Range subnet : found.subnets()) {
            DhcpScope instance = onPrimary.getOrDefault(subnet, onSecondary.get(subnet));
            if (instance == null) {
                log.info("failover relationship \"{}\": subnet {} is not in the store yet", name, subnet);
                continue;
            }
            String owner = owners.get(instance.id());
            if (owner != null && !owner.equals(name)) {
                log.warn("failover relationship \"{}\": {} is already listed in \"{}\"", name, instance.describe(), owner);
                continue;
            }
            ids.add(instance.id());
        }
        FailoverRelationship s = found.settings();
        FailoverRelationship after = new FailoverRelationship(stored == null ? 0 : stored.id(), name, primary.id(), secondary.id(),
                s.failoverMode(), s.percentage(), s.mclt(), s.port(), s.peerPort(), s.loadBalanceMaxSeconds(), s.maxResponseDelay(),
                s.maxUnackedUpdates(), s.heartbeatDelay(), s.maxAckDelay(), s.maxUnackedClients(), s.autoFailover(), s.state(), ids);
        PeerAddresses.Pair addresses = new PeerAddresses.Pair(differentOrNull(found.addresses().primary(), primary),
                differentOrNull(found.addresses().secondary(), secondary));
        if (stored == null) {
            long id = relationships.insert(after);
            peerAddresses.save(id, addresses);
            FailoverRelationship created = relationships.findById(id).orElseThrow();
            changes.created(FailoverRelationship.OBJ_TYPE, created.ref(), snapshot(created));
            return created;
        }
        peerAddresses.save(after.id(), addresses);
        if (!after.equals(stored)) {
            relationships.update(after);
            changes.modified(FailoverRelationship.OBJ_TYPE, after.ref(), snapshot(stored), snapshot(after));
        }
        return after;
    }

    /**
     * A relationship no configuration declares any more: a dhcpd one becomes {@code Empty} (Tandem's own record,
     * as after adding it), a Kea one, which exists only as its HA blocks, leaves the store. Recorded in {@code log}.
     */
    public void gone(ChangeLog.Recorder changes, FailoverRelationship stored, boolean kea) {
        if (kea) {
            relationships.delete(stored.id());
            changes.removed(FailoverRelationship.OBJ_TYPE, stored.ref(), snapshot(stored));
            return;
        }
        FailoverRelationship empty = withState(stored, FailoverRelationship.State.Empty, List.of());
        if (!empty.equals(stored)) {
            relationships.update(empty);
            changes.modified(FailoverRelationship.OBJ_TYPE, stored.ref(), snapshot(stored), snapshot(empty));
        }
    }

    /** Every stored scope instance of the server, by its addresses. */
    private Map<Ipv4Range, DhcpScope> instancesOf(DhcpServer server) {
        Map<Ipv4Range, DhcpScope> out = new HashMap<>();
        String filter = "dhcpServerRef=" + server.ref();
        for (long offset = 0; ; offset += ListQuery.MAX_LIMIT) {
            Page<DhcpScope> page = scopes.list(new ListQuery(filter, offset, ListQuery.MAX_LIMIT, null, false));
            page.items().forEach(s -> out.put(s.addresses(), s));
            if (page.items().size() < ListQuery.MAX_LIMIT) {
                return out;
            }
        }
    }

    /** The server's stored instance of a subnet, if the store has one. */
    public Optional<DhcpScope> instance(Ipv4Range subnet, DhcpServer server) {
        return ranges.findOverlapping(subnet).filter(r -> r.addresses().equals(subnet))
                .flatMap(r -> scopes.findByRangeAndServer(r.id(), server.id()));
    }

    private static String differentOrNull(String address, DhcpServer server) {
        return address == null || address.equals(server.address()) ? null : address;
    }

    static FailoverRelationship withState(FailoverRelationship r, FailoverRelationship.State state, List<Long> scopeIds) {
        return new FailoverRelationship(r.id(), r.name(), r.primaryServerId(), r.secondaryServerId(), r.failoverMode(), r.percentage(),
                r.mclt(), r.port(), r.peerPort(), r.loadBalanceMaxSeconds(), r.maxResponseDelay(), r.maxUnackedUpdates(),
                r.heartbeatDelay(), r.maxAckDelay(), r.maxUnackedClients(), r.autoFailover(), state, scopeIds);
    }

    /** The relationship as the change log records it. */
    static Map<String, Object> snapshot(FailoverRelationship r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", r.ref());
        m.put("name", r.name());
        m.put("primaryServerRef", DhcpServer.RESOURCE + "/" + r.primaryServerId());
        m.put("secondaryServerRef", DhcpServer.RESOURCE + "/" + r.secondaryServerId());
        m.put("failoverMode", r.failoverMode().name());
        m.put("percentage", r.percentage());
        m.put("mclt", r.mclt());
        m.put("port", r.port());
        m.put("peerPort", r.peerPort());
        m.put("loadBalanceMaxSeconds", r.loadBalanceMaxSeconds());
        m.put("maxResponseDelay", r.maxResponseDelay());
        m.put("maxUnackedUpdates", r.maxUnackedUpdates());
        m.put("heartbeatDelay", r.heartbeatDelay());
        m.put("maxAckDelay", r.maxAckDelay());
        m.put("maxUnackedClients", r.maxUnackedClients());
        m.put("autoFailover", r.autoFailover());
        m.put("state", r.state().name());
        m.put("dhcpScopeRefs", r.scopeIds().stream().map(id -> DhcpScope.RESOURCE + "/" + id).toList());
        return m;
    }
}
