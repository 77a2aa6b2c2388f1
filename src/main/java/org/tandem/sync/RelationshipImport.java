package org.tandem.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.Actor;
import org.tandem.changelog.ChangeLog;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.failover.FailoverCache;
import org.tandem.failover.FailoverReader;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverRepository;
import org.tandem.servers.DhcpServer;

/**
 * Brings the store's relationships in line with what the servers' configurations declare ({@link FailoverReader}):
 * new ones are stored, stored ones take the servers' settings, peers and scopes (the server wins), and one neither
 * server declares any more is made {@code Empty} (dhcpd) or removed (Kea). Only pairs whose two configurations were
 * both read in this sync are judged, so an unreachable server never empties a relationship. Every difference is
 * logged as Tandem's own change with a comment naming the servers, so edits made outside Tandem show in the history.
 */
public final class RelationshipImport {

    private static final Logger log = LoggerFactory.getLogger(RelationshipImport.class);

    private final FailoverRepository relationships;
    private final FailoverCache cache;
    private final ChangeLog changeLog;

    public RelationshipImport(FailoverRepository relationships, FailoverCache cache, ChangeLog changeLog) {
        this.relationships = relationships;
        this.cache = cache;
        this.changeLog = changeLog;
    }

    /** Every stored relationship. */
    public List<FailoverRelationship> stored() {
        return relationships.list(null);
    }

    /** The relationships among these dhcpd servers' configs; returns the stored records. */
    public List<FailoverRelationship> fromDhcpd(Map<DhcpServer, DhcpdConfModel> models) {
        List<Found> found = new ArrayList<>();
        forEachPair(new ArrayList<>(models.keySet()), (x, y) -> {
            for (FailoverReader.Declared d : FailoverReader.dhcpd(x, models.get(x), y, models.get(y))) {
                found.add(new Found(d, x.id() == d.settings().primaryServerId() ? x : y, x.id() == d.settings().primaryServerId() ? y : x));
            }
        });
        return reconcile(found, models.keySet(), false, (r, server) -> models.get(server).failoverPeer(r.name()).isPresent());
    }

    /** The HA relationships among these Kea servers' configs; returns the stored records. */
    public List<FailoverRelationship> fromKea(Map<DhcpServer, FailoverReader.KeaView> views) {
        List<Found> found = new ArrayList<>();
        forEachPair(new ArrayList<>(views.keySet()), (x, y) -> FailoverReader.kea(x, views.get(x), y, views.get(y)).ifPresent(d ->
                found.add(new Found(d, x.id() == d.settings().primaryServerId() ? x : y, x.id() == d.settings().primaryServerId() ? y : x))));
        return reconcile(found, views.keySet(), true, (r, server) -> views.get(server).ha().isPresent());
    }

    private record Found(FailoverReader.Declared declared, DhcpServer primary, DhcpServer secondary) {}

    /**
     * @param declaredOn whether a server's config still declares its side of a stored relationship: one whose peers only
     *     disagree (one side edited by hand, the other not yet) is left as stored, not emptied
     */
    private List<FailoverRelationship> reconcile(List<Found> found, Set<DhcpServer> read, boolean kea,
            java.util.function.BiPredicate<FailoverRelationship, DhcpServer> declaredOn) {
        List<FailoverRelationship> out = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        for (Found f : found) {
            String comment = "Failover relationship as DHCP servers \"" + f.primary().name() + "\" and \"" + f.secondary().name()
                    + "\" declare it";
            Optional<FailoverRelationship> stored = kea
                    ? relationships.list(f.primary().id()).stream().filter(r -> samePair(r, f.primary(), f.secondary())).findFirst()
                    : relationships.findByName(f.declared().name());
            if (stored.isPresent() && !samePair(stored.get(), f.primary(), f.secondary())) {
                log.warn("a failover relationship named \"{}\" exists between other servers; {} not stored", stored.get().name(), comment);
                continue;
            }
            if (kea && stored.isEmpty() && relationships.findByName(f.declared().settings().name()).isPresent()) {
                log.warn("a failover relationship named \"{}\" exists between other servers; {} not stored",
                        f.declared().settings().name(), comment);
                continue;
            }
            FailoverRelationship saved = changeLog.write(Actor.SYSTEM, comment,
                    changes -> cache.record(changes, f.declared(), f.primary(), f.secondary(), stored.orElse(null)));
            seen.add(saved.id());
            out.add(saved);
        }
        Map<Long, DhcpServer> byId = new java.util.HashMap<>();
        read.forEach(s -> byId.put(s.id(), s));
        for (FailoverRelationship r : relationships.list(null)) {
            // The servers read are all of one type, so both being read means the relationship is of that type.
            DhcpServer primary = byId.get(r.primaryServerId());
            DhcpServer secondary = byId.get(r.secondaryServerId());
            if (seen.contains(r.id()) || primary == null || secondary == null) {
                continue;
            }
            if (declaredOn.test(r, primary) || declaredOn.test(r, secondary)) {
                log.warn("failover relationship \"{}\": the configurations of \"{}\" and \"{}\" do not agree; it stays as stored",
                        r.name(), primary.name(), secondary.name());
                continue;
            }
            changeLog.write(Actor.SYSTEM, "Failover relationship \"" + r.name() + "\" is no longer declared on its servers", changes -> {
                cache.gone(changes, r, kea);
                return null;
            });
        }
        return out;
    }

    private static void forEachPair(List<DhcpServer> servers, java.util.function.BiConsumer<DhcpServer, DhcpServer> pair) {
        for (int i = 0; i < servers.size(); i++) {
            for (int j = i + 1; j < servers.size(); j++) {
                pair.accept(servers.get(i), servers.get(j));
            }
        }
    }

    private static boolean samePair(FailoverRelationship r, DhcpServer a, DhcpServer b) {
        return (r.primaryServerId() == a.id() && r.secondaryServerId() == b.id())
                || (r.primaryServerId() == b.id() && r.secondaryServerId() == a.id());
    }
}
