package org.tandem.sync;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.tandem.auth.Actor;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.AddressBlockRepository;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Range;
import org.tandem.scope.RangeRepository;
import org.tandem.scope.Reservation;
import org.tandem.scope.ReservationRepository;
import org.tandem.scope.ScopeRepository;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.store.ListQuery;

/**
 * Makes the store say what one server's configuration says: ranges, the server's scope instances, their
 * pools and reservations. Every difference is written through {@link ScopeService} as Tandem's own
 * {@link Actor#SYSTEM} with a comment naming the server, so a change made outside Tandem shows in the change
 * history like any other. Exclusions are Tandem's own (neither dhcpd.conf nor Kea has them) and are kept.
 * What cannot be stored (a subnet overlapping a different range, a scope still in a failover relationship
 * that the server no longer declares) is left as it is and reported.
 */
public final class StoreImport {

    /** What one import did. */
    public record Result(int created, int removed, List<String> warnings) {
        public boolean changedAnything() {
            return created + removed > 0;
        }
    }

    private final Jdbi jdbi;
    private final ScopeService scopes;
    private final RangeRepository ranges;
    private final ScopeRepository scopeRows;
    private final AddressBlockRepository pools;
    private final ReservationRepository reservations;

    public StoreImport(Jdbi jdbi, ScopeService scopes, RangeRepository ranges, ScopeRepository scopeRows,
            AddressBlockRepository pools, ReservationRepository reservations) {
        this.jdbi = jdbi;
        this.scopes = scopes;
        this.ranges = ranges;
        this.scopeRows = scopeRows;
        this.pools = pools;
        this.reservations = reservations;
    }

    /** Brings the store in line with {@code config} for {@code server}; returns the scopes that now mirror it. */
    public Result apply(DhcpServer server, ImportedConfig config) {
        String comment = "Synced from DHCP server \"" + server.name() + "\"";
        List<String> warnings = new ArrayList<>(config.skipped());
        int[] counts = new int[2];
        Set<Long> kept = new HashSet<>();
        for (ImportedConfig.Subnet subnet : config.subnets()) {
            Optional<DhcpScope> scope = scopeFor(server, subnet.range(), comment, warnings, counts);
            if (scope.isEmpty()) {
                continue;
            }
            kept.add(scope.get().id());
            syncPools(scope.get(), subnet.pools(), comment, warnings, counts);
            syncReservations(scope.get(), subnet.reservations(), comment, warnings, counts);
        }
        for (long id : scopeIdsOf(server)) {
            if (kept.contains(id)) {
                continue;
            }
            DhcpScope gone = scopeRows.findById(id).orElseThrow();
            if (!gone.enabled()) {
                // A disabled instance is one the failover engine took off the server on purpose (deconfigure action Disable).
                continue;
            }
            if (config.disabled().contains(gone.addresses())) {
                if (gone.enabled()) {
                    scopes.modifyScope(Actor.SYSTEM, comment + ": the subnet is disabled on the server", "scope", gone.ref(), "scope",
                            new ScopeService.ScopeChanges(null, null, false));
                }
                continue;
            }
            try {
                scopes.removeScope(Actor.SYSTEM, comment + ": the server no longer declares it", "scope", gone.ref());
                counts[1]++;
            } catch (UserError e) {
                warnings.add(gone.describe() + " is no longer on the server but stays in the store: " + e.getMessage());
            }
        }
        return new Result(counts[0], counts[1], warnings);
    }

    private Optional<DhcpScope> scopeFor(DhcpServer server, Ipv4Range subnet, String comment, List<String> warnings, int[] counts) {
        Optional<Range> existing = ranges.findOverlapping(subnet);
        Range range;
        if (existing.isPresent()) {
            range = existing.get();
            if (!range.addresses().equals(subnet)) {
                warnings.add("subnet " + text(subnet) + " overlaps " + range.describe() + " and was not imported");
                return Optional.empty();
            }
        } else {
            range = scopes.addRange(Actor.SYSTEM, comment, "range",
                    new ScopeService.NewRange(null, null, subnet.first().toString(), subnet.last().toString(), null));
            counts[0]++;
        }
        Optional<DhcpScope> scope = scopeRows.findByRangeAndServer(range.id(), server.id());
        if (scope.isPresent() && !scope.get().enabled()) {
            // Declared again on the server (re-enabled there): the instance is enabled again.
            return Optional.of(scopes.modifyScope(Actor.SYSTEM, comment + ": the subnet is enabled on the server", "scope",
                    scope.get().ref(), "scope", new ScopeService.ScopeChanges(null, null, true)));
        }
        if (scope.isPresent()) {
            return scope;
        }
        counts[0]++;
        return Optional.of(scopes.addScope(Actor.SYSTEM, comment, "scope",
                new ScopeService.NewScope(range.ref(), server.ref(), null, null, true)));
    }

    private void syncPools(DhcpScope scope, List<Ipv4Range> wanted, String comment, List<String> warnings, int[] counts) {
        List<AddressBlock> have = pools.list(scope.id(), ListQuery.all()).items();
        for (AddressBlock pool : have) {
            if (!wanted.contains(pool.addresses())) {
                scopes.removeBlock(Actor.SYSTEM, comment, AddressBlock.Kind.POOL, "pool", pool.ref(AddressBlock.Kind.POOL));
                counts[1]++;
            }
        }
        Set<Ipv4Range> present = new HashSet<>();
        have.forEach(p -> present.add(p.addresses()));
        for (Ipv4Range range : wanted) {
            if (present.add(range)) {
                try {
                    scopes.addBlock(Actor.SYSTEM, comment, AddressBlock.Kind.POOL, "scope", scope.ref(), "pool",
                            range.first().toString(), range.last().toString());
                    counts[0]++;
                } catch (UserError e) {
                    warnings.add("pool " + text(range) + " of " + scope.describe() + " not imported: " + e.getMessage());
                }
            }
        }
    }

    private void syncReservations(DhcpScope scope, List<ImportedConfig.Host> wanted, String comment, List<String> warnings, int[] counts) {
        List<Reservation> have = reservations.list(scope.id(), ListQuery.all()).items();
        java.util.Map<String, ImportedConfig.Host> wantedByKey = new java.util.HashMap<>();
        wanted.forEach(h -> wantedByKey.put(h.key(), h));
        Set<String> present = new HashSet<>();
        for (Reservation r : have) {
            String key = new ImportedConfig.Host(r.name(), r.method(), r.clientIdentifier(), r.address()).key();
            ImportedConfig.Host onServer = wantedByKey.get(key);
            if (onServer == null) {
                scopes.removeReservation(Actor.SYSTEM, comment, "reservation", r.ref());
                counts[1]++;
            } else {
                present.add(key);
                keepBoot(r, onServer.boot(), comment);
            }
        }
        for (ImportedConfig.Host h : wanted) {
            if (present.add(h.key())) {
                try {
                    Reservation added = scopes.addReservation(Actor.SYSTEM, comment, "scope", scope.ref(), "reservation",
                            new ScopeService.NewReservation(h.name(), h.identifier(), h.method().name(), List.of(h.address().toString()), null));
                    keepBoot(added, h.boot(), comment);
                    counts[0]++;
                } catch (UserError e) {
                    warnings.add("reservation \"" + h.name() + "\" of " + scope.describe() + " not imported: " + e.getMessage());
                }
            }
        }
    }

    /**
     * Stores the boot values the server holds for a reservation (ddns-hostname, filename, ...) as they are: the server's
     * config is the truth, whatever Tandem would accept from a user. Values longer than the store keeps are left out.
     */
    private void keepBoot(Reservation r, Reservation.Boot onServer, String comment) {
        Reservation.Boot b = new Reservation.Boot(fits(onServer.ddnsHostName(), 253), fits(onServer.filename(), 1000),
                fits(onServer.serverName(), 253), fits(onServer.nextServer(), 253));
        if (!b.equals(r.boot())) {
            scopes.modifyReservation(Actor.SYSTEM, comment, "reservation", new Reservation(r.id(), r.scopeId(), r.name(), r.clientIdentifier(),
                    r.method(), r.address(), r.description(), b));
        }
    }

    private static String fits(String value, int max) {
        return value == null || value.length() > max ? null : value;
    }

    /** Ids of the scope instances stored for the server. */
    public List<Long> scopeIdsOf(DhcpServer server) {
        return jdbi.withHandle(h -> h.createQuery("SELECT id FROM dhcp_scopes WHERE server_id = :s ORDER BY id")
                .bind("s", server.id()).mapTo(Long.class).list());
    }

    private static String text(Ipv4Range r) {
        return r.first() + "-" + r.last();
    }
}
