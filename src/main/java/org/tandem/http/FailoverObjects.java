package org.tandem.http;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tandem.change.ChangeResult;
import org.tandem.change.ServerDiff;
import org.tandem.failover.FailoverCheck;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverService;
import org.tandem.failover.LiveStates;
import org.tandem.failover.PeerAddresses;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/**
 * Failover objects in Micetro's API shapes, shared by JSON-RPC and REST: relationships with their
 * configuration state and each peer's live state, write outcomes with each server's diff, and the
 * failover fields of scopes and address pools.
 */
public final class FailoverObjects {

    /** The fields of Micetro's DHCPFailoverRelationship Tandem reads (plus Kea's and the peer addresses). */
    public static final Set<String> SPEC_FIELDS = Set.of("name", "primaryServer", "secondaryServer", "failoverMode", "percentage",
            "mclt", "port", "peerPort", "loadBalanceMaxSeconds", "maxResponseDelay", "maxUnackedUpdates", "heartbeatDelay",
            "maxAckDelay", "maxUnackedClients", "autoFailover", "primaryAddress", "secondaryAddress",
            // Answers carry these; a client sending an object it read back is not refused for them.
            "ref", "primaryServerRef", "secondaryServerRef", "state", "dhcpScopeRefs", "peerStates", "failoverServerType",
            "dhcpServerRef");

    private FailoverObjects() {
    }

    public static FailoverService.Spec specFromApi(Params p) {
        p.allowOnly(SPEC_FIELDS);
        return new FailoverService.Spec(p.string("name"), p.string("primaryServer"), p.string("secondaryServer"),
                p.string("failoverMode"), intOrNull(p, "percentage"), intOrNull(p, "mclt"), intOrNull(p, "port"),
                intOrNull(p, "peerPort"), intOrNull(p, "loadBalanceMaxSeconds"), intOrNull(p, "maxResponseDelay"),
                intOrNull(p, "maxUnackedUpdates"), intOrNull(p, "heartbeatDelay"), intOrNull(p, "maxAckDelay"),
                intOrNull(p, "maxUnackedClients"), p.bool("autoFailover"), p.string("primaryAddress"), p.string("secondaryAddress"));
    }

    private static Integer intOrNull(Params p, String name) {
        Long v = p.integer(name);
        if (v == null) {
            return null;
        }
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw org.tandem.common.UserError.invalid(p.path(name), "is out of range");
        }
        return v.intValue();
    }

    /**
     * A relationship: stored values, {@code state} (Empty/Normal), and {@code peerStates}, the live
     * protocol state of each peer with {@code since}; {@code failoverServerType} is the role of
     * {@code viewer} when one is given.
     */
    public static ObjectNode toApi(FailoverRelationship r, FailoverService service, LiveStates live, DhcpServer viewer) {
        DhcpServer primary = service.server(r.primaryServerId());
        DhcpServer secondary = service.server(r.secondaryServerId());
        ObjectNode n = ApiObjects.JSON.createObjectNode();
        n.put("ref", r.ref()).put("name", r.name())
                .put("primaryServer", primary.name()).put("primaryServerRef", primary.ref())
                .put("secondaryServer", secondary.name()).put("secondaryServerRef", secondary.ref())
                .put("failoverMode", r.failoverMode().name())
                .put("serverType", primary.type().name());
        if (viewer != null) {
            n.put("failoverServerType", viewer.id() == primary.id() ? "PrimaryServer" : "SecondaryServer");
        }
        n.put("percentage", r.percentage()).put("mclt", r.mclt()).put("port", r.port()).put("peerPort", r.peerPort())
                .put("loadBalanceMaxSeconds", r.loadBalanceMaxSeconds()).put("maxResponseDelay", r.maxResponseDelay())
                .put("maxUnackedUpdates", r.maxUnackedUpdates());
        putIf(n, "heartbeatDelay", r.heartbeatDelay());
        putIf(n, "maxAckDelay", r.maxAckDelay());
        putIf(n, "maxUnackedClients", r.maxUnackedClients());
        if (r.autoFailover() != null) {
            n.put("autoFailover", r.autoFailover());
        }
        if (primary.type() == ServerType.ISC) {
            PeerAddresses.Pair addresses = service.addressesOf(r);
            n.put("primaryAddress", addresses.primary()).put("secondaryAddress", addresses.secondary());
        }
        n.put("state", r.state().name());
        ArrayNode scopes = n.putArray("dhcpScopeRefs");
        r.scopeIds().forEach(id -> scopes.add(DhcpScope.RESOURCE + "/" + id));
        ArrayNode peers = n.putArray("peerStates");
        for (DhcpServer s : new DhcpServer[] {primary, secondary}) {
            ObjectNode peer = peers.addObject().put("server", s.name()).put("dhcpServerRef", s.ref())
                    .put("role", s.id() == primary.id() ? "PrimaryServer" : "SecondaryServer");
            Optional<LiveStates.PeerState> state = live.get(s.id(), r.name());
            if (state.isEmpty()) {
                peer.put("state", "unknown");
                continue;
            }
            LiveStates.PeerState ps = state.get();
            peer.put("state", ps.localState()).put("partnerState", ps.partnerState())
                    .put("since", ps.since() == null ? null : ps.since().toString())
                    .put("seenAt", ps.seenAt() == null ? null : ps.seenAt().toString())
                    .put("reachable", ps.reachable()).put("detail", ps.detail());
        }
        return n;
    }

    /** The consistency check's answer: every finding, and how many. */
    public static ObjectNode toApi(List<FailoverCheck.Finding> findings) {
        ObjectNode n = ApiObjects.JSON.createObjectNode();
        ArrayNode items = n.putArray("findings");
        for (FailoverCheck.Finding f : findings) {
            items.addObject().put("dhcpFailoverRelationshipName", f.relationship()).put("kind", f.kind().name())
                    .put("subnet", f.subnet() == null ? null : f.subnet().toString()).put("message", f.message());
        }
        n.put("totalResults", findings.size());
        return n;
    }

    /** ReplicateDHCPFailover's answer: one write's answer per relationship. */
    public static ObjectNode toApi(Collection<FailoverService.Outcome> outcomes) {
        ObjectNode n = ApiObjects.JSON.createObjectNode();
        ArrayNode results = n.putArray("results");
        outcomes.forEach(o -> results.add(toApi(o)));
        return n;
    }

    /** A write's answer: the relationship's ref and state, whether it was a dry run, and each server's diff. */
    public static ObjectNode toApi(FailoverService.Outcome outcome) {
        ObjectNode n = ApiObjects.JSON.createObjectNode();
        if (outcome.relationship() != null) {
            n.put("ref", outcome.relationship().id() == 0 ? null : outcome.relationship().ref())
                    .put("state", outcome.relationship().state().name());
        }
        return putChange(n, outcome.change());
    }

    /** Adds a write's dry-run flag, journal id and each server's diff to its answer. */
    public static ObjectNode putChange(ObjectNode n, ChangeResult change) {
        n.put("dryRun", change != null && change.dryRun());
        if (change != null && change.changeId() != null) {
            n.put("changeId", change.changeId());
        }
        addDiffs(n.putArray("changes"), change);
        if (change != null && !change.notes().isEmpty()) {
            ArrayNode notes = n.putArray("notes");
            change.notes().forEach(notes::add);
        }
        return n;
    }

    /** Adds each server's diff of {@code change} (may be null) to a write's {@code changes}. */
    public static void addDiffs(ArrayNode changes, ChangeResult change) {
        if (change != null) {
            for (ServerDiff d : change.diffs()) {
                changes.addObject().put("server", d.server()).put("diff", d.unifiedDiff());
            }
        }
    }

    /** Adds a scope's failover fields: Micetro's authority grouping and the relationship's name. */
    public static void decorate(ObjectNode scopeNode, DhcpScope scope, FailoverService service) {
        Optional<FailoverRelationship> r = service.relationshipOf(scope);
        scopeNode.put("authority", r.isPresent() ? "Failover" : "Server");
        scopeNode.put("failoverRelationship", r.map(FailoverRelationship::name).orElse(null));
    }

    /** Adds a pool's failover fields (read-only): the relationship's name and both servers. */
    public static void decorate(ObjectNode poolNode, AddressBlock pool, FailoverService service, org.tandem.scope.ScopeService scopes) {
        DhcpScope scope = scopes.scope("dhcpScopeRef", pool.scopeRef());
        Optional<FailoverRelationship> r = service.relationshipOf(scope);
        if (r.isEmpty()) {
            poolNode.putNull("failoverRelationship");
            return;
        }
        poolNode.put("failoverRelationship", r.get().name()).put("failoverPeer", r.get().name());
        poolNode.putObject("failover").put("name", r.get().name())
                .put("primaryServer", service.server(r.get().primaryServerId()).name())
                .put("secondaryServer", service.server(r.get().secondaryServerId()).name());
    }

    private static void putIf(ObjectNode n, String key, Integer value) {
        if (value != null) {
            n.put(key, value);
        }
    }
}
