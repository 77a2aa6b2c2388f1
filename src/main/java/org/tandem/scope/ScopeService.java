package org.tandem.scope;

import java.util.List;
import java.util.Locale;
import org.tandem.auth.Actor;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.Text;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;
import org.tandem.store.Ref;

/**
 * Ranges, scopes, address pools, exclusions and reservations, with the rules that keep them consistent:
 * ranges never overlap, a scope is one range on one server, pools, exclusions and reservations stay
 * inside their scope and do not collide. Every write goes through {@link ChangeLog}.
 * {@code field} arguments name the API parameter that carried the input, so errors point at it.
 */
public final class ScopeService {

    /** A range to create: either {@code subnet} (CIDR) or {@code from} and {@code to}. */
    public record NewRange(String name, String subnet, String from, String to, String description) {}

    /** A scope to create on one server for one range. */
    public record NewScope(String rangeRef, String dhcpServerRef, String name, String description, Boolean enabled) {}

    /** Changes to a scope's own properties; null fields stay as they are. */
    public record ScopeChanges(String name, String description, Boolean enabled) {}

    /**
     * A reservation to create; Micetro sends addresses as an array, Tandem takes exactly one. {@code boot} holds the
     * values as given (checked by {@link #addReservation}), null for none.
     */
    public record NewReservation(String name, String clientIdentifier, String reservationMethod, List<String> addresses, String description,
            Reservation.Boot boot) {

        public NewReservation(String name, String clientIdentifier, String reservationMethod, List<String> addresses, String description) {
            this(name, clientIdentifier, reservationMethod, addresses, description, null);
        }

        /** The same reservation with other boot values. */
        public NewReservation withBoot(Reservation.Boot other) {
            return new NewReservation(name, clientIdentifier, reservationMethod, addresses, description, other);
        }
    }

    /**
     * Changes to a reservation: null fields stay as they are, except the boot fields named in {@code bootGiven}, which
     * take {@code boot}'s value (null clears). The method cannot change (remove and add instead).
     */
    public record ReservationChanges(String name, String clientIdentifier, String reservationMethod, List<String> addresses,
            String description, Reservation.Boot boot, java.util.Set<String> bootGiven) {}

    private final RangeRepository ranges;
    private final ScopeRepository scopes;
    private final AddressBlockRepository pools;
    private final AddressBlockRepository exclusions;
    private final ReservationRepository reservations;
    private final ServerService servers;
    private final ChangeLog changes;

    public ScopeService(RangeRepository ranges, ScopeRepository scopes, AddressBlockRepository pools,
            AddressBlockRepository exclusions, ReservationRepository reservations, ServerService servers, ChangeLog changes) {
        this.ranges = ranges;
        this.scopes = scopes;
        this.pools = pools;
        this.exclusions = exclusions;
        this.reservations = reservations;
        this.servers = servers;
        this.changes = changes;
    }

    // ---- ranges

    public Range addRange(Actor actor, String saveComment, String field, NewRange in) {
        Ipv4Range addresses;
        if (in.subnet() != null) {
            if (in.from() != null || in.to() != null) {
                throw UserError.invalid(field + ".subnet", "give either subnet or from and to, not both");
            }
            addresses = Ipv4Range.parseCidr(field + ".subnet", in.subnet());
        } else {
            addresses = Ipv4Range.parse(field + ".from", in.from(), field + ".to", in.to());
        }
        String name = in.name() == null ? defaultName(addresses) : Text.name(field + ".name", in.name(), 200);
        String description = Text.description(field + ".description", in.description(), 1000);
        return changes.write(actor, saveComment, log -> {
            ranges.findOverlapping(addresses).ifPresent(other -> {
                throw UserError.conflict("Range " + addresses.first() + "-" + addresses.last() + " overlaps " + other.describe());
            });
            if (ranges.findByName(name).isPresent()) {
                throw UserError.conflict("A range named \"" + name + "\" already exists");
            }
            Range created = ranges.findById(ranges.insert(name, addresses, description)).orElseThrow();
            log.created(Range.OBJ_TYPE, created.ref(), created.snapshot());
            return created;
        });
    }

    public void removeRange(Actor actor, String saveComment, String field, String refText) {
        changes.write(actor, saveComment, log -> {
            Range range = range(field, refText);
            long count = ranges.countScopes(range.id());
            if (count > 0) {
                throw UserError.conflict(capitalize(range.describe()) + " still has " + count + " scope(s); remove them first");
            }
            ranges.delete(range.id());
            log.removed(Range.OBJ_TYPE, range.ref(), range.snapshot());
            return null;
        });
    }

    public Range range(String field, String refText) {
        Ref ref = Ref.parse(field, Range.RESOURCE, refText);
        return (ref.id() != null ? ranges.findById(ref.id()) : ranges.findByName(ref.name()))
                .orElseThrow(() -> UserError.notFound("Range", refText));
    }

    public Page<Range> ranges(ListQuery query) {
        return ranges.list(query);
    }

    /** The range holding {@code address}, if one does (ranges never overlap). */
    public java.util.Optional<Range> rangeHolding(Ipv4Address address) {
        return ranges.findOverlapping(new Ipv4Range(address, address));
    }

    /** The scope instances of a range (one per server serving it). */
    public List<DhcpScope> scopesOf(Range range) {
        return scopes.findByRange(range.id());
    }

    /** A scope instance's pools. */
    public List<AddressBlock> poolsOf(DhcpScope scope) {
        return pools.list(scope.id(), ListQuery.all()).items();
    }

    /** A scope instance's reservations. */
    public List<Reservation> reservationsOf(DhcpScope scope) {
        return reservations.list(scope.id(), ListQuery.all()).items();
    }

    // ---- scopes

    public DhcpScope addScope(Actor actor, String saveComment, String field, NewScope in) {
        String nameIn = in.name() == null ? null : Text.name(field + ".name", in.name(), 200);
        String description = Text.description(field + ".description", in.description(), 1000);
        boolean enabled = in.enabled() == null || in.enabled();
        return changes.write(actor, saveComment, log -> {
            Range range = range(field + ".rangeRef", in.rangeRef());
            DhcpServer server = servers.get(field + ".dhcpServerRef", in.dhcpServerRef());
            scopes.findByRangeAndServer(range.id(), server.id()).ifPresent(other -> {
                throw UserError.conflict("DHCP server \"" + server.name() + "\" already serves " + range.describe() + " as " + other.describe());
            });
            String name = nameIn == null ? range.name() : nameIn;
            long id = scopes.insert(new DhcpScope(0, range.id(), server.id(), name, description, enabled, range.addresses()));
            DhcpScope created = scopes.findById(id).orElseThrow();
            log.created(DhcpScope.OBJ_TYPE, created.ref(), created.snapshot());
            return created;
        });
    }

    public DhcpScope modifyScope(Actor actor, String saveComment, String field, String refText, String changesField, ScopeChanges in) {
        String name = in.name() == null ? null : Text.name(changesField + ".name", in.name(), 200);
        String description = in.description() == null ? null : Text.description(changesField + ".description", in.description(), 1000);
        return changes.write(actor, saveComment, log -> {
            DhcpScope before = scope(field, refText);
            DhcpScope after = before.with(name == null ? before.name() : name,
                    description == null ? before.description() : description,
                    in.enabled() == null ? before.enabled() : in.enabled());
            if (!after.equals(before)) {
                scopes.update(after);
                log.modified(DhcpScope.OBJ_TYPE, after.ref(), before.snapshot(), after.snapshot());
            }
            return after;
        });
    }

    public void removeScope(Actor actor, String saveComment, String field, String refText) {
        changes.write(actor, saveComment, log -> {
            DhcpScope scope = scope(field, refText);
            // No failover rule here: the store follows the servers (a sync removes what a server no longer declares, failover
            // or not, and its membership goes with it); ScopeWrites refuses a user's removal of a dhcpd failover scope.
            // Pools, exclusions and reservations go with the scope (ON DELETE CASCADE); log them too.
            for (AddressBlock p : pools.list(scope.id(), ListQuery.all()).items()) {
                log.removed(AddressBlock.Kind.POOL.objType, p.ref(AddressBlock.Kind.POOL), p.snapshot(AddressBlock.Kind.POOL));
            }
            for (AddressBlock x : exclusions.list(scope.id(), ListQuery.all()).items()) {
                log.removed(AddressBlock.Kind.EXCLUSION.objType, x.ref(AddressBlock.Kind.EXCLUSION), x.snapshot(AddressBlock.Kind.EXCLUSION));
            }
            for (Reservation r : reservations.list(scope.id(), ListQuery.all()).items()) {
                log.removed(Reservation.OBJ_TYPE, r.ref(), r.snapshot());
            }
            scopes.delete(scope.id());
            log.removed(DhcpScope.OBJ_TYPE, scope.ref(), scope.snapshot());
            return null;
        });
    }

    /** Finds a scope by ref ({@code dhcpScopes/12}) or by a name only one scope has. */
    public DhcpScope scope(String field, String refText) {
        Ref ref = Ref.parse(field, DhcpScope.RESOURCE, refText);
        if (ref.id() != null) {
            return scopes.findById(ref.id()).orElseThrow(() -> UserError.notFound("DHCP scope", refText));
        }
        List<DhcpScope> found = scopes.findByName(ref.name(), 2);
        if (found.isEmpty()) {
            throw UserError.notFound("DHCP scope", refText);
        }
        if (found.size() > 1) {
            throw UserError.invalid(field, "several scopes are named \"" + ref.name() + "\" (one per server); use a ref like " + found.get(0).ref());
        }
        return found.get(0);
    }

    public Page<DhcpScope> scopes(ListQuery query) {
        return scopes.list(query);
    }

    // ---- pools and exclusions

    public AddressBlock addBlock(Actor actor, String saveComment, AddressBlock.Kind kind, String scopeField, String scopeRef,
            String field, String from, String to) {
        Ipv4Range addresses = Ipv4Range.parse(field + ".from", from, field + ".to", to);
        AddressBlockRepository repo = blocks(kind);
        return changes.write(actor, saveComment, log -> {
            DhcpScope scope = scope(scopeField, scopeRef);
            String what = capitalize(kind.noun) + " " + addresses.first() + "-" + addresses.last();
            if (!scope.addresses().contains(addresses)) {
                throw UserError.conflict(what + " is outside " + scope.describe());
            }
            repo.findOverlapping(scope.id(), addresses).ifPresent(other -> {
                throw UserError.conflict(what + " overlaps " + other.describe(kind) + " in " + scope.describe());
            });
            AddressBlock created = repo.findById(repo.insert(scope.id(), addresses)).orElseThrow();
            log.created(kind.objType, created.ref(kind), created.snapshot(kind));
            return created;
        });
    }

    public void removeBlock(Actor actor, String saveComment, AddressBlock.Kind kind, String field, String refText) {
        changes.write(actor, saveComment, log -> {
            AddressBlock block = block(kind, field, refText);
            blocks(kind).delete(block.id());
            log.removed(kind.objType, block.ref(kind), block.snapshot(kind));
            return null;
        });
    }

    /** Finds a pool or exclusion by ref; their names are derived, so only ids are accepted. */
    public AddressBlock block(AddressBlock.Kind kind, String field, String refText) {
        Ref ref = Ref.parse(field, kind.resource, refText);
        if (ref.id() == null) {
            throw UserError.invalid(field, "needs a ref like " + kind.resource + "/12");
        }
        return blocks(kind).findById(ref.id()).orElseThrow(() -> UserError.notFound(capitalize(kind.noun), refText));
    }

    /** Pools or exclusions of one scope ({@code scopeRef} given) or of all scopes. */
    public Page<AddressBlock> blocks(AddressBlock.Kind kind, String scopeField, String scopeRef, ListQuery query) {
        Long scopeId = scopeRef == null ? null : scope(scopeField, scopeRef).id();
        return blocks(kind).list(scopeId, query);
    }

    private AddressBlockRepository blocks(AddressBlock.Kind kind) {
        return kind == AddressBlock.Kind.POOL ? pools : exclusions;
    }

    // ---- reservations

    public Reservation addReservation(Actor actor, String saveComment, String scopeField, String scopeRef, String field, NewReservation in) {
        Reservation.Method method = in.reservationMethod() == null ? Reservation.Method.HardwareAddress : parseMethod(field + ".reservationMethod", in.reservationMethod());
        String client = clientIdentifier(field + ".clientIdentifier", in.clientIdentifier(), method);
        if (in.addresses() == null || in.addresses().size() != 1) {
            throw UserError.invalid(field + ".addresses", "must hold exactly one IPv4 address");
        }
        Ipv4Address address = Ipv4Address.parse(field + ".addresses", in.addresses().get(0));
        String name = Text.name(field + ".name", in.name(), 200);
        String description = Text.description(field + ".description", in.description(), 1000);
        Reservation.Boot given = in.boot() == null ? Reservation.Boot.NONE : in.boot();
        Reservation.Boot boot = Reservation.Boot.of(field, given.ddnsHostName(), given.filename(), given.serverName(), given.nextServer());
        return changes.write(actor, saveComment, log -> {
            DhcpScope scope = scope(scopeField, scopeRef);
            String what = "Reservation \"" + name + "\" (" + address + ")";
            if (!scope.addresses().contains(address)) {
                throw new UserError(UserError.Kind.CONFLICT, field + ".addresses", what + " is outside " + scope.describe());
            }
            reservations.findClash(scope.id(), address.value(), method, client).ifPresent(other -> {
                boolean sameAddress = other.address().equals(address);
                String why = sameAddress ? "the same address as " : "the same client as ";
                throw new UserError(UserError.Kind.CONFLICT, field + (sameAddress ? ".addresses" : ".clientIdentifier"),
                        what + " has " + why + other.describe() + " in " + scope.describe());
            });
            long id = reservations.insert(new Reservation(0, scope.id(), name, client, method, address, description, boot));
            Reservation created = reservations.findById(id).orElseThrow();
            log.created(Reservation.OBJ_TYPE, created.ref(), created.snapshot());
            return created;
        });
    }

    /**
     * The reservation as it would be after {@code in}, checked (field names under {@code changesField}) but not stored.
     * The method stays; a new address must stay in the scope and clash with no other reservation of it.
     */
    public Reservation modifiedReservation(Reservation before, String changesField, ReservationChanges in) {
        if (in.reservationMethod() != null && !in.reservationMethod().equals(before.method().name())) {
            throw UserError.invalid(changesField + ".reservationMethod", "a reservation's method cannot change (it is "
                    + before.method() + "); remove the reservation and add it again");
        }
        String name = in.name() == null ? before.name() : Text.name(changesField + ".name", in.name(), 200);
        String client = in.clientIdentifier() == null ? before.clientIdentifier()
                : clientIdentifier(changesField + ".clientIdentifier", in.clientIdentifier(), before.method());
        Ipv4Address address = before.address();
        if (in.addresses() != null) {
            if (in.addresses().size() != 1) {
                throw UserError.invalid(changesField + ".addresses", "must hold exactly one IPv4 address");
            }
            address = Ipv4Address.parse(changesField + ".addresses", in.addresses().get(0));
        }
        String description = in.description() == null ? before.description() : Text.description(changesField + ".description", in.description(), 1000);
        Reservation.Boot given = in.boot() == null ? Reservation.Boot.NONE : in.boot();
        Reservation.Boot checked = Reservation.Boot.of(changesField, given.ddnsHostName(), given.filename(), given.serverName(), given.nextServer());
        Reservation.Boot boot = before.boot().with(checked, in.bootGiven() == null ? java.util.Set.of() : in.bootGiven());
        return new Reservation(before.id(), before.scopeId(), name, client, before.method(), address, description, boot);
    }

    /** Stores {@code after} (made by {@link #modifiedReservation}) over its row, after the scope's checks. */
    public Reservation modifyReservation(Actor actor, String saveComment, String changesField, Reservation after) {
        return changes.write(actor, saveComment, log -> {
            Reservation before = reservations.findById(after.id()).orElseThrow(() -> UserError.notFound("DHCP reservation", after.ref()));
            DhcpScope scope = scopes.findById(before.scopeId()).orElseThrow();
            String what = "Reservation \"" + after.name() + "\" (" + after.address() + ")";
            if (!scope.addresses().contains(after.address())) {
                throw new UserError(UserError.Kind.CONFLICT, changesField + ".addresses", what + " is outside " + scope.describe());
            }
            for (Reservation other : reservations.list(scope.id(), ListQuery.all()).items()) {
                if (other.id() == before.id()) {
                    continue;
                }
                boolean sameAddress = other.address().equals(after.address());
                boolean sameClient = other.method() == after.method() && other.clientIdentifier().equals(after.clientIdentifier());
                if (sameAddress || sameClient) {
                    throw new UserError(UserError.Kind.CONFLICT, changesField + (sameAddress ? ".addresses" : ".clientIdentifier"),
                            what + " has " + (sameAddress ? "the same address as " : "the same client as ") + other.describe() + " in "
                                    + scope.describe());
                }
            }
            if (!after.equals(before)) {
                reservations.update(after);
                log.modified(Reservation.OBJ_TYPE, after.ref(), before.snapshot(), after.snapshot());
            }
            return after;
        });
    }

    public void removeReservation(Actor actor, String saveComment, String field, String refText) {
        changes.write(actor, saveComment, log -> {
            Reservation r = reservation(field, refText);
            reservations.delete(r.id());
            log.removed(Reservation.OBJ_TYPE, r.ref(), r.snapshot());
            return null;
        });
    }

    public Reservation reservation(String field, String refText) {
        Ref ref = Ref.parse(field, Reservation.RESOURCE, refText);
        return (ref.id() != null ? reservations.findById(ref.id()) : reservations.findByName(ref.name()))
                .orElseThrow(() -> UserError.notFound("DHCP reservation", refText));
    }

    public Page<Reservation> reservations(String scopeField, String scopeRef, ListQuery query) {
        Long scopeId = scopeRef == null ? null : scope(scopeField, scopeRef).id();
        return reservations.list(scopeId, query);
    }

    // ---- helpers

    private static String defaultName(Ipv4Range r) {
        int prefix = r.prefixLength();
        return prefix >= 0 ? r.first() + "/" + prefix : r.first() + "-" + r.last();
    }

    private static Reservation.Method parseMethod(String field, String text) {
        for (Reservation.Method m : Reservation.Method.values()) {
            if (m.name().equals(text)) {
                return m;
            }
        }
        throw UserError.invalid(field, "must be one of " + java.util.Arrays.toString(Reservation.Method.values())
                + " (DUID, CircuitId and FlexId on Kea servers only), not \"" + Text.clip(text) + "\"");
    }

    /**
     * A MAC address ({@code aa:bb:cc:dd:ee:ff}, also with '-') or other identifier in hex bytes (circuit and flex ids
     * also as {@code 'text'}, stored as the text's bytes); stored lower-case with colons.
     */
    private static String clientIdentifier(String field, String text, Reservation.Method method) {
        if (text == null || text.isEmpty()) {
            throw UserError.invalid(field, "is required");
        }
        boolean text8 = (method == Reservation.Method.CircuitId || method == Reservation.Method.FlexId)
                && text.matches("'[\\x20-\\x26\\x28-\\x7e]{1,128}'");
        String normal = text8
                ? java.util.HexFormat.ofDelimiter(":").formatHex(text.substring(1, text.length() - 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                : text.toLowerCase(Locale.ROOT).replace('-', ':');
        boolean ok = method == Reservation.Method.HardwareAddress
                ? normal.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")
                : normal.matches("[0-9a-f]{2}(:[0-9a-f]{2}){1,127}");
        if (!ok) {
            throw UserError.invalid(field, "\"" + Text.clip(text) + "\" is not "
                    + (method == Reservation.Method.HardwareAddress ? "a MAC address like 00:11:22:33:44:55"
                            : "an identifier in hex bytes like 01:00:11:22:33:44:55"));
        }
        return normal;
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
