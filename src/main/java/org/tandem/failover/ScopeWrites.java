package org.tandem.failover;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.Actor;
import org.tandem.change.ChangeEngine;
import org.tandem.change.ChangeListener;
import org.tandem.change.ChangePlan;
import org.tandem.change.ChangedOutside;
import org.tandem.change.ChangeResult;
import org.tandem.change.Parallel;
import org.tandem.change.ServerChange;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.ConfValues;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfEditor;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaReservation;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.AddressBlockRepository;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Reservation;
import org.tandem.scope.ReservationRepository;
import org.tandem.scope.ScopeRepository;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;
import org.tandem.store.ListQuery;

/**
 * Scope, address pool and reservation writes that reach the DHCP servers. Each write first runs the
 * store's own checks in a transaction that is rolled back ({@link ScopeService} refuses overlaps, pools
 * outside their scope, clashing reservations), then plans the new configuration of every server the
 * scope lives on, hands it to the {@link ChangeEngine} (conflict check, {@code dhcpd -t} or
 * {@code config-test}, apply, verify, journal, change log of the diffs), and only once the servers
 * run it writes the store, in one transaction. A dry run stops after the engine's checks and returns
 * each server's diff. A failure on a server changes nothing in the store.
 *
 * <p>Which servers: the scope's own server; for a dhcpd scope in a failover relationship both servers
 * of the relationship (pools keep {@code failover peer "NAME";}); for a scope on a Kea server in an HA
 * relationship both peers (Kea 2.2's HA is server-level: both serve every subnet, with one subnet id).
 * Exclusions are Tandem's own (neither server has them) and stay store-only writes.
 *
 * <p>What is written is what the sync reads back ({@code ImportedConfig}), so the next sync finds
 * nothing changed: dhcpd subnets with {@code pool} blocks and {@code host} declarations, Kea subnets
 * with {@code pools} and {@code reservations}; a disabled scope is a commented-out subnet on dhcpd and
 * a subnet with parked pools on Kea, as the failover deconfigure action Disable leaves them.
 */
public final class ScopeWrites {

    private static final Logger log = LoggerFactory.getLogger(ScopeWrites.class);

    /**
     * A write's result ({@code null} on a dry run, where nothing was stored) and what it did on the servers;
     * {@code existed}: nothing was written because what was asked for was already there (the result is that object).
     */
    public record Outcome<T>(T result, ChangeResult change, boolean existed) {
        public Outcome(T result, ChangeResult change) {
            this(result, change, false);
        }
    }

    private final Jdbi jdbi;
    private final ScopeService store;
    private final ScopeRepository scopes;
    private final AddressBlockRepository pools;
    private final ReservationRepository reservations;
    private final FailoverRepository relationships;
    private final FailoverService failover;
    private final ServerTargets targets;
    private final KeaEngine kea;
    private final ChangeEngine engine;
    private final ChangeLog changeLog;
    /** One scope write at a time on this node, so the store cannot change between the check and the write. */
    private final ReentrantLock writes = new ReentrantLock();

    public ScopeWrites(Jdbi jdbi, ScopeService store, ScopeRepository scopes, AddressBlockRepository pools, ReservationRepository reservations,
            FailoverRepository relationships, FailoverService failover, ServerTargets targets, KeaEngine kea, ChangeEngine engine,
            ChangeLog changeLog) {
        this.jdbi = Objects.requireNonNull(jdbi);
        this.store = Objects.requireNonNull(store);
        this.scopes = Objects.requireNonNull(scopes);
        this.pools = Objects.requireNonNull(pools);
        this.reservations = Objects.requireNonNull(reservations);
        this.relationships = Objects.requireNonNull(relationships);
        this.failover = Objects.requireNonNull(failover);
        this.targets = Objects.requireNonNull(targets);
        this.kea = Objects.requireNonNull(kea);
        this.engine = Objects.requireNonNull(engine);
        this.changeLog = Objects.requireNonNull(changeLog);
    }

    // ------------------------------------------------------------------ scopes

    /**
     * AddDHCPScope: the subnet, with {@code poolRanges} ({@code [from, to]} each) as its pools, on the scope's
     * server (both peers of a Kea HA pair, with one subnet id), then the scope and its pools in the store.
     */
    public Outcome<DhcpScope> addScope(Actor actor, String saveComment, String field, ScopeService.NewScope in, List<String[]> poolRanges,
            String poolsField, boolean dryRun) {
        return addScope(actor, saveComment, field, () -> in, poolRanges, poolsField, dryRun);
    }

    /**
     * AddRange and AddDHCPScope as one write: the range is made in the same store work as the scope, so a dry run
     * shows the servers' diffs for a subnet not yet in IPAM, and a server that refuses the subnet leaves no range behind.
     */
    public Outcome<DhcpScope> addScopeInNewRange(Actor actor, String saveComment, String rangeField, ScopeService.NewRange range,
            String field, String serverRef, String name, List<String[]> poolRanges, String poolsField, boolean dryRun) {
        return addScope(actor, saveComment, field, () -> new ScopeService.NewScope(store.addRange(actor, saveComment, rangeField, range).ref(),
                serverRef, name, null, true), poolRanges, poolsField, dryRun);
    }

    private Outcome<DhcpScope> addScope(Actor actor, String saveComment, String field, Supplier<ScopeService.NewScope> in,
            List<String[]> poolRanges, String poolsField, boolean dryRun) {
        List<Ipv4Range> given = new ArrayList<>();
        for (int i = 0; i < poolRanges.size(); i++) {
            String f = poolsField + "[" + i + "]";
            given.add(Ipv4Range.parse(f + ".from", poolRanges.get(i)[0], f + ".to", poolRanges.get(i)[1]));
        }
        // What the planned configs of a Kea HA pair declare (the new subnet joins the pair's relationship): found by the
        // plan, recorded by the store work's run at the commit point (its trial run comes before the plan).
        AtomicReference<Runnable> joinRelationship = new AtomicReference<>();
        return write(actor, saveComment, dryRun, () -> {
            DhcpScope created = store.addScope(actor, saveComment, field, in.get());
            requireCidr(field + ".rangeRef", created);
            DhcpServer server = failover.server(created.serverId());
            List<Ipv4Range> stored = new ArrayList<>();
            given.forEach(r -> stored.addAll(keaHalves(server, r)));
            for (DhcpServer peer : peers(created)) {
                DhcpScope instance = peer.id() == server.id() ? created : copyInstance(actor, saveComment, created, peer);
                for (Ipv4Range r : stored) {
                    store.addBlock(actor, saveComment, AddressBlock.Kind.POOL, poolsField, instance.ref(), poolsField,
                            r.first().toString(), r.last().toString());
                }
            }
            Runnable join = joinRelationship.get();
            if (join != null) {
                join.run();
            }
            return created;
        }, created -> {
            Edits edits = new Edits();
            List<DhcpServer> peers = peers(created);
            edits.read(peers);
            long id = 0;
            if (peers.get(0).type() == ServerType.Kea) {
                // One id on both HA peers: past the largest either uses.
                id = kea.nextSubnetId(peers.stream().map(ServerTargets::keaClient).toArray(org.tandem.kea.client.KeaClient[]::new));
            }
            for (DhcpServer s : peers) {
                if (s.type() == ServerType.ISC) {
                    DhcpdConfEditor e = edits.dhcpd(s);
                    e.addSubnet(subnetDeclaration(created.addresses(), given, null), null);
                    if (!created.enabled()) {
                        e.disableSubnet(created.addresses());
                    }
                } else {
                    KeaConfigDocument doc = edits.kea(s);
                    doc.addSubnet(KeaSubnet.of(id, created.addresses(), keaPools(doc, s, given)));
                    if (!created.enabled()) {
                        doc.disableSubnet(created.addresses());
                    }
                }
            }
            if (peers.size() == 2 && peers.get(0).type() == ServerType.Kea) {
                // peers: secondary first
                FailoverRelationship r = relationships.list(peers.get(1).id()).stream().findFirst().orElseThrow();
                KeaConfigDocument secondaryDoc = edits.kea(peers.get(0));
                KeaConfigDocument primaryDoc = edits.kea(peers.get(1));
                joinRelationship.set(() -> changeLog.write(actor, saveComment, log -> {
                    failover.recordPlanned(log, r, FailoverReader.kea(peers.get(1), FailoverReader.KeaView.of(primaryDoc), peers.get(0),
                            FailoverReader.KeaView.of(secondaryDoc)));
                    return null;
                }));
            }
            return edits.changes(peers);
        });
    }

    /** ModifyDHCPScope: name and description are Tandem's own; {@code enabled} disables or enables the subnet on the servers. */
    public Outcome<DhcpScope> modifyScope(Actor actor, String saveComment, String field, String refText, String changesField,
            ScopeService.ScopeChanges in, boolean dryRun) {
        DhcpScope before = store.scope(field, refText);
        boolean toggles = in.enabled() != null && in.enabled() != before.enabled();
        if (toggles) {
            // Kea peers both serve every subnet, so both disable it; a dhcpd failover scope would lose its peer's pools.
            failover.relationshipOf(before).filter(r -> !isKea(before)).ifPresent(r -> {
                throw UserError.conflict(capitalize(before.describe()) + " is in failover relationship \"" + r.name() + "\"; remove it from"
                        + " the relationship before " + (in.enabled() ? "enabling" : "disabling") + " it");
            });
        }
        Ipv4Range subnet = before.addresses();
        return write(actor, saveComment, dryRun, () -> {
            DhcpScope after = store.modifyScope(actor, saveComment, field, refText, changesField, in);
            for (DhcpScope other : toggles ? instances(before) : List.<DhcpScope>of()) {
                if (other.id() != before.id() && other.enabled() != in.enabled()) {
                    store.modifyScope(actor, saveComment, field, other.ref(), changesField, new ScopeService.ScopeChanges(null, null, in.enabled()));
                }
            }
            return after;
        }, after -> !toggles ? List.of() : onServers(before, (s, e) -> {
            DhcpdConfModel model = e.conf().model();
            boolean declared = model.subnet(subnet).isPresent();
            boolean disabled = model.disabledSubnets().stream().anyMatch(d -> d.range().equals(subnet));
            if (in.enabled() && !declared && disabled) {
                e.enableSubnet(subnet);
            } else if (in.enabled() && !declared) {
                e.addSubnet(subnetDeclaration(subnet, poolsOf(before), null), null);
            } else if (!in.enabled() && declared) {
                requireNotOwnSubnet(s, model, subnet, "disable");
                e.disableSubnet(subnet);
            }
        }, (s, doc) -> {
            if (doc.subnet(subnet).isPresent() && in.enabled()) {
                doc.enableSubnet(subnet);
            } else if (doc.subnet(subnet).isPresent()) {
                doc.disableSubnet(subnet);
            }
        }));
    }

    /**
     * RemoveDHCPScope: the subnet leaves the servers, then the store. Refused while the scope is in a dhcpd failover
     * relationship; a Kea HA pair serves every subnet of both peers, so there the subnet leaves both peers at once.
     */
    public Outcome<Void> removeScope(Actor actor, String saveComment, String field, String refText, boolean dryRun) {
        DhcpScope scope = store.scope(field, refText);
        failover.relationshipOf(scope).filter(r -> !isKea(scope)).ifPresent(r -> {
            throw UserError.conflict(capitalize(scope.describe()) + " is in failover relationship \"" + r.name()
                    + "\"; remove it from the relationship first (RemoveDHCPScopesFromDHCPFailoverRelationship)");
        });
        Ipv4Range subnet = scope.addresses();
        return write(actor, saveComment, dryRun, () -> {
            instances(scope).forEach(instance -> store.removeScope(actor, saveComment, field, instance.ref()));
            return null;
        }, nothing -> onServers(scope, (s, e) -> {
            DhcpdConfModel model = e.conf().model();
            if (model.subnet(subnet).isPresent()) {
                requireNotOwnSubnet(s, model, subnet, "remove");
                e.removeSubnet(subnet);
            } else if (model.disabledSubnets().stream().anyMatch(d -> d.range().equals(subnet))) {
                e.removeSubnet(subnet);
            }
        }, (s, doc) -> {
            if (doc.subnet(subnet).isPresent()) {
                doc.removeSubnet(subnet);
            }
        }));
    }

    // ------------------------------------------------------------------ pools

    /** AddDHCPAddressPool: the pool on every server of the scope (with the relationship's peer on dhcpd), then in the store. */
    public Outcome<AddressBlock> addPool(Actor actor, String saveComment, String scopeField, String scopeRef, String field, String from,
            String to, boolean dryRun) {
        DhcpScope scope = store.scope(scopeField, scopeRef);
        Ipv4Range range = Ipv4Range.parse(field + ".from", from, field + ".to", to);
        List<Ipv4Range> stored = keaHalves(failover.server(scope.serverId()), range);
        String peer = dhcpdPeer(scope);
        return write(actor, saveComment, dryRun, () -> {
            AddressBlock first = null;
            for (DhcpScope instance : instances(scope)) {
                for (Ipv4Range r : stored) {
                    AddressBlock b = store.addBlock(actor, saveComment, AddressBlock.Kind.POOL, scopeField, instance.ref(), field,
                            r.first().toString(), r.last().toString());
                    if (first == null || instance.id() == scope.id() && first.scopeId() != scope.id()) {
                        first = b;
                    }
                }
            }
            return first;
        }, created -> onServers(scope, (s, e) -> {
            if (e.conf().model().subnet(scope.addresses()).isPresent()) {
                e.addPool(scope.addresses(), range, peer);
            }
        }, (s, doc) -> doc.subnet(scope.addresses()).ifPresent(subnet -> {
            for (KeaPool p : subnet.pools()) {
                if (p.range().overlaps(range)) {
                    throw UserError.conflict("Pool " + range.first() + "-" + range.last() + " overlaps the pool " + p.range().first()
                            + "-" + p.range().last() + " of scope " + scope.addresses() + " on server \"" + s.name() + "\"");
                }
            }
            doc.addPools(scope.addresses(), keaPools(doc, s, List.of(range)));
        })));
    }

    /** RemoveDHCPAddressPool: refused for the last pool of a failover scope; else off every server of the scope, then the store. */
    public Outcome<Void> removePool(Actor actor, String saveComment, String field, String refText, boolean dryRun) {
        AddressBlock pool = store.block(AddressBlock.Kind.POOL, field, refText);
        DhcpScope scope = scopes.findById(pool.scopeId()).orElseThrow();
        String peer = dhcpdPeer(scope);
        if (peer != null && poolsOf(scope).size() == 1) {
            throw UserError.conflict("Pool " + pool.addresses().first() + "-" + pool.addresses().last() + " is the last pool of "
                    + scope.describe() + ", which is in failover relationship \"" + peer + "\"; a failover scope needs a pool."
                    + " Add another pool first, or remove the scope from the relationship");
        }
        return write(actor, saveComment, dryRun, () -> {
            for (DhcpScope instance : instances(scope)) {
                for (AddressBlock b : pools.list(instance.id(), ListQuery.all()).items()) {
                    if (b.addresses().equals(pool.addresses())) {
                        store.removeBlock(actor, saveComment, AddressBlock.Kind.POOL, field, b.ref(AddressBlock.Kind.POOL));
                    }
                }
            }
            return null;
        }, nothing -> onServers(scope, (s, e) -> {
            if (e.conf().model().subnet(scope.addresses()).isPresent()) {
                e.removePool(scope.addresses(), pool.addresses());
            }
        }, (s, doc) -> doc.subnet(scope.addresses()).ifPresent(subnet -> doc.removePool(scope.addresses(), pool.addresses()))));
    }

    // ------------------------------------------------------------------ reservations

    /** AddDHCPReservation: a dhcpd {@code host} or a Kea subnet reservation on every server of the scope, then the store. */
    public Outcome<Reservation> addReservation(Actor actor, String saveComment, String scopeField, String scopeRef, String field,
            ScopeService.NewReservation in, boolean dryRun) {
        DhcpScope scope = store.scope(scopeField, scopeRef);
        // Micetro's clients create a reservation once per scope instance; on a failover pair the first create made it
        // on both instances, so the second finds it and answers with it.
        Optional<Reservation> same = identical(scope, field, in);
        if (same.isPresent()) {
            return new Outcome<>(same.get(), null, true);
        }
        return write(actor, saveComment, dryRun, () -> {
            Reservation first = null;
            for (DhcpScope instance : instances(scope)) {
                Reservation r = store.addReservation(actor, saveComment, scopeField, instance.ref(), field,
                        in.withBoot(storedBoot(failover.server(instance.serverId()), in.name(), in.boot(), false, null)));
                if (first == null || instance.id() == scope.id()) {
                    first = r;
                }
            }
            return first;
        }, created -> onServers(scope, (s, e) -> {
            if (created.method() != Reservation.Method.HardwareAddress) {
                throw UserError.invalid(field + ".reservationMethod", "DHCP server \"" + s.name() + "\" (dhcpd) cannot hold "
                        + created.describe() + " of scope " + scope.addresses() + ": Tandem writes dhcpd host declarations by"
                        + " hardware address only; use HardwareAddress (" + created.method() + " is for Kea servers)");
            }
            if (!DhcpdConfEditor.isHostName(created.name())) {
                throw UserError.invalid(field + ".name", "\"" + created.name() + "\" cannot name a dhcpd host declaration:"
                        + " use 1 to 63 letters, digits, '_', '.' or '-'");
            }
            if (e.conf().model().subnet(scope.addresses()).isPresent()) {
                e.addHost(scope.addresses(), created.name(), created.clientIdentifier(), created.address(), dhcpdParameters(created.boot(),
                        Reservation.Boot.FIELDS));
            }
        }, (s, doc) -> {
            if (doc.subnet(scope.addresses()).isPresent()) {
                Reservation.Boot boot = storedBoot(s, created.name(), created.boot(), false, null);
                doc.addReservation(scope.addresses(), KeaReservation.of(keaKind(created.method()), created.clientIdentifier(),
                        created.address(), boot.ddnsHostName()).withBoot(boot.filename(), boot.serverName(), boot.nextServer()));
            }
        }));
    }

    /** RemoveDHCPReservation: off every server of the scope, then the store (the same reservation on each instance). */
    public Outcome<Void> removeReservation(Actor actor, String saveComment, String field, String refText, boolean dryRun) {
        Reservation reservation;
        try {
            reservation = store.reservation(field, refText);
        } catch (UserError e) {
            // Removing a reservation removes it from every instance of its scope; Micetro's clients then delete the
            // other instance's reservation too, which is already gone: that is the outcome they asked for.
            org.tandem.store.Ref ref = org.tandem.store.Ref.parse(field, Reservation.RESOURCE, refText);
            if (e.kind() == UserError.Kind.NOT_FOUND && ref.id() != null
                    && changeLog.wasRemoved(Reservation.OBJ_TYPE, org.tandem.store.Ref.of(Reservation.RESOURCE, ref.id()))) {
                return new Outcome<>(null, null, true);
            }
            throw e;
        }
        DhcpScope scope = scopes.findById(reservation.scopeId()).orElseThrow();
        return write(actor, saveComment, dryRun, () -> {
            for (DhcpScope instance : instances(scope)) {
                for (Reservation r : reservations.list(instance.id(), ListQuery.all()).items()) {
                    if (r.address().equals(reservation.address()) && r.clientIdentifier().equals(reservation.clientIdentifier())) {
                        store.removeReservation(actor, saveComment, field, r.ref());
                    }
                }
            }
            return null;
        }, nothing -> onServers(scope, (s, e) -> e.removeHost(reservation.clientIdentifier(), reservation.address()),
                (s, doc) -> {
                    if (doc.subnet(scope.addresses()).isPresent()) {
                        doc.removeReservations(scope.addresses(), r -> r.matches(keaKind(reservation.method()),
                                reservation.clientIdentifier(), reservation.address()));
                    }
                }));
    }

    /**
     * ModifyDHCPReservation: the reservation's host declaration (dhcpd) or reservation element (Kea) is edited in place
     * on every server of the scope (only what changed: other statements and keys stay), then the reservation of each
     * instance in the store.
     */
    public Outcome<Reservation> modifyReservation(Actor actor, String saveComment, String field, String refText, String changesField,
            ScopeService.ReservationChanges in, boolean dryRun) {
        Reservation before = store.reservation(field, refText);
        DhcpScope scope = scopes.findById(before.scopeId()).orElseThrow();
        Reservation wanted = store.modifiedReservation(before, changesField, in);
        java.util.Set<String> given = in.bootGiven() == null ? java.util.Set.of() : in.bootGiven();
        return write(actor, saveComment, dryRun, () -> {
            Reservation first = null;
            for (DhcpScope instance : instances(scope)) {
                for (Reservation r : reservations.list(instance.id(), ListQuery.all()).items()) {
                    if (!r.address().equals(before.address()) || !r.clientIdentifier().equals(before.clientIdentifier())) {
                        continue;
                    }
                    DhcpServer server = failover.server(instance.serverId());
                    Reservation after = new Reservation(r.id(), r.scopeId(), wanted.name(), wanted.clientIdentifier(), r.method(),
                            wanted.address(), wanted.description(), storedBoot(server, wanted.name(), r.boot().with(wanted.boot(), given),
                                    !given.contains("ddnsHostName"), r));
                    Reservation stored = store.modifyReservation(actor, saveComment, changesField, after);
                    if (first == null || r.id() == before.id()) {
                        first = stored;
                    }
                }
            }
            return first;
        }, after -> onServers(scope, (s, e) -> {
            if (!DhcpdConfEditor.isHostName(wanted.name())) {
                throw UserError.invalid(changesField + ".name", "\"" + wanted.name() + "\" cannot name a dhcpd host declaration:"
                        + " use 1 to 63 letters, digits, '_', '.' or '-'");
            }
            e.modifyHost(before.clientIdentifier(), before.address(), wanted.name(),
                    wanted.clientIdentifier().equals(before.clientIdentifier()) ? null : wanted.clientIdentifier(),
                    wanted.address().equals(before.address()) ? null : wanted.address(), dhcpdParameters(wanted.boot(), given));
        }, (s, doc) -> {
            if (doc.subnet(scope.addresses()).isEmpty()) {
                return;
            }
            Reservation.Boot boot = storedBoot(s, wanted.name(), before.boot().with(wanted.boot(), given), !given.contains("ddnsHostName"), before);
            Map<String, String> values = new LinkedHashMap<>();
            if (given.contains("ddnsHostName") || !wanted.name().equals(before.name())) {
                values.put("hostname", boot.ddnsHostName());
            }
            putIfGiven(values, given, "filename", "boot-file-name", boot.filename());
            putIfGiven(values, given, "serverName", "server-hostname", boot.serverName());
            putIfGiven(values, given, "nextServer", "next-server", boot.nextServer());
            doc.modifyReservation(scope.addresses(), r -> r.matches(keaKind(before.method()), before.clientIdentifier(), before.address()),
                    wanted.clientIdentifier().equals(before.clientIdentifier()) ? null : wanted.clientIdentifier(),
                    wanted.address().equals(before.address()) ? null : wanted.address(), values);
        }));
    }

    private static void putIfGiven(Map<String, String> values, java.util.Set<String> given, String field, String keaKey, String value) {
        if (given.contains(field)) {
            values.put(keaKey, value);
        }
    }

    /**
     * The reservation already in this scope instance that {@code in} describes (same address, client, method, name and
     * boot values as the server would hold them), if there is one. An {@code in} that cannot be read is left to the
     * write's own checks.
     */
    private Optional<Reservation> identical(DhcpScope scope, String field, ScopeService.NewReservation in) {
        if (in.addresses() == null || in.addresses().size() != 1 || !Ipv4Address.isValid(in.addresses().get(0)) || in.clientIdentifier() == null) {
            return Optional.empty();
        }
        Ipv4Address address = Ipv4Address.parse(field + ".addresses", in.addresses().get(0));
        String method = in.reservationMethod() == null ? Reservation.Method.HardwareAddress.name() : in.reservationMethod();
        String client = in.clientIdentifier().toLowerCase(java.util.Locale.ROOT).replace('-', ':');
        DhcpServer server = failover.server(scope.serverId());
        for (Reservation r : reservations.list(scope.id(), ListQuery.all()).items()) {
            if (r.address().equals(address) && r.method().name().equals(method) && r.clientIdentifier().equals(client)
                    && r.name().equals(in.name())) {
                Reservation.Boot given = in.boot() == null ? Reservation.Boot.NONE : in.boot();
                Reservation.Boot boot = Reservation.Boot.of(field, given.ddnsHostName(), given.filename(), given.serverName(), given.nextServer());
                if (storedBoot(server, in.name(), boot, false, null).equals(r.boot())) {
                    return Optional.of(r);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A reservation's boot values as {@code server} holds them. Kea has one {@code hostname} for a reservation's name and
     * its DNS name: without a ddnsHostName it is the reservation's name (when that is a host name), so on Kea the stored
     * ddnsHostName is that hostname. {@code followName}: the ddnsHostName was not given in a modification, so on Kea it
     * keeps following the name when it did before ({@code before}'s hostname was its name).
     */
    private static Reservation.Boot storedBoot(DhcpServer server, String name, Reservation.Boot boot, boolean followName, Reservation before) {
        Reservation.Boot b = boot == null ? Reservation.Boot.NONE : boot;
        if (server.type() != ServerType.Kea) {
            return b;
        }
        String ddns = b.ddnsHostName() == null || b.ddnsHostName().isEmpty() ? null : b.ddnsHostName();
        if (followName && before != null && before.name().equals(before.boot().ddnsHostName())) {
            ddns = null;
        }
        if (ddns == null && Reservation.Boot.isHostName(name)) {
            ddns = name;
        }
        return new Reservation.Boot(ddns, b.filename(), b.serverName(), b.nextServer());
    }

    /** The dhcpd host statements for the boot fields named in {@code fields} (null values: remove the statement). */
    private static Map<String, String> dhcpdParameters(Reservation.Boot boot, java.util.Collection<String> fields) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < Reservation.Boot.FIELDS.size(); i++) {
            String f = Reservation.Boot.FIELDS.get(i);
            if (fields.contains(f)) {
                out.put(DhcpdConfEditor.HOST_PARAMETERS.get(i), boot.get(f));
            }
        }
        return out;
    }

    private static KeaReservation.Identifier keaKind(Reservation.Method method) {
        return java.util.Arrays.stream(KeaReservation.Identifier.values()).filter(k -> k.key().equals(method.keaKey()))
                .findFirst().orElseThrow();
    }

    /**
     * A change to the servers {@code scope} lives on and nothing in the store (its DHCP options, which only the servers
     * hold): both peers of its failover or HA pair in one change, each edited by the edit for its kind.
     */
    Outcome<Void> onScopeServers(Actor actor, String saveComment, boolean dryRun, DhcpScope scope, ServerEdit<DhcpdConfEditor> dhcpd,
            ServerEdit<KeaConfigDocument> keaEdit) {
        return write(actor, saveComment, dryRun, () -> null, nothing -> onServers(scope, dhcpd, keaEdit));
    }

    /** One server's part of a plan: edits the configuration read from it. */
    @FunctionalInterface
    interface ServerEdit<C> {
        void edit(DhcpServer server, C config);
    }

    /** Reads every server of the scope, edits each with the edit for its kind, and answers the changes, secondary first. */
    private List<ServerChange> onServers(DhcpScope scope, ServerEdit<DhcpdConfEditor> dhcpd, ServerEdit<KeaConfigDocument> keaEdit) {
        Edits edits = new Edits();
        List<DhcpServer> peers = peers(scope);
        edits.read(peers);
        for (DhcpServer s : peers) {
            if (s.type() == ServerType.ISC) {
                dhcpd.edit(s, edits.dhcpd(s));
            } else {
                keaEdit.edit(s, edits.kea(s));
            }
        }
        return edits.changes(peers);
    }

    /** The scope's stored instances on the servers it lives on. */
    private List<DhcpScope> instances(DhcpScope scope) {
        return peers(scope).stream().map(s -> scopes.findByRangeAndServer(scope.rangeId(), s.id())).flatMap(Optional::stream).toList();
    }

    // ------------------------------------------------------------------ the write itself

    /**
     * The store's checks in a rolled-back transaction, then the servers (or, on a dry run, only the
     * engine's checks and diffs), then the store for real in the journal's commit transaction.
     */
    private <T> Outcome<T> write(Actor actor, String saveComment, boolean dryRun, Supplier<T> storeWork, Function<T, List<ServerChange>> plan) {
        writes.lock();
        try {
            T checked = rolledBack(storeWork);
            try {
                return writeOnce(actor, saveComment, dryRun, storeWork, plan, checked);
            } catch (ChangedOutside e) {
                // Planned on Central's last read of a server that has changed since; the engine refused before writing
                // anything and its read is now the last one. The server wins: the same change, planned on what it runs.
                log.info("server {} changed since Tandem last read it; planning the change again on what it runs", e.server());
                Outcome<T> again = writeOnce(actor, saveComment, dryRun, storeWork, plan, checked);
                String note = "Server \"" + e.server() + "\" had been changed outside Tandem since Tandem last read it;"
                        + " the change was planned again on the configuration it runs now (the diff shows it).";
                return new Outcome<>(again.result(), again.change() == null ? null : again.change().withNote(note), again.existed());
            }
        } finally {
            writes.unlock();
        }
    }

    private <T> Outcome<T> writeOnce(Actor actor, String saveComment, boolean dryRun, Supplier<T> storeWork,
                                     Function<T, List<ServerChange>> plan, T checked) {
        List<ServerChange> changes = plan.apply(checked).stream().filter(c -> !c.unchanged()).toList();
        if (dryRun) {
            ChangeResult change = changes.isEmpty() ? new ChangeResult(null, true, List.of())
                    : engine.dryRun(new ChangePlan(changes, actor.userName(), saveComment), ChangeListener.LOG);
            return new Outcome<>(null, change);
        }
        if (changes.isEmpty()) {
            return new Outcome<>(jdbi.inTransaction(h -> storeWork.get()), null);
        }
        // The store is written at the engine's commit point, in the journal's transaction: a Central killed
        // after the servers changed leaves a store that says what they run.
        AtomicReference<T> stored = new AtomicReference<>();
        ChangeResult change = engine.apply(new ChangePlan(changes, actor.userName(), saveComment), ChangeListener.LOG,
                () -> stored.set(storeWork.get()));
        return new Outcome<>(stored.get(), change);
    }

    /** Runs {@code work} in a transaction that is always rolled back; nested change-log writes join it. */
    private <T> T rolledBack(Supplier<T> work) {
        try {
            jdbi.useTransaction(h -> {
                throw new RolledBack(work.get());
            });
        } catch (RolledBack r) {
            @SuppressWarnings("unchecked")
            T result = (T) r.result;
            return result;
        }
        throw new IllegalStateException("a rolled-back transaction returned");
    }

    /** Carries a trial's result out of its transaction, rolling it back. */
    private static final class RolledBack extends RuntimeException {
        final transient Object result;

        RolledBack(Object result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    /** The servers' configurations as read for one write, each edited in memory. */
    private final class Edits {
        /** Each server's configuration text as read: what its change expects to find. */
        private final Map<Long, String> before = new LinkedHashMap<>();
        private final Map<Long, DhcpdConfEditor> dhcpd = new LinkedHashMap<>();
        private final Map<Long, KeaConfigDocument> keaDocs = new LinkedHashMap<>();

        /** Reads and parses every server not read yet, all at once (a config of thousands of scopes takes a while). */
        void read(List<DhcpServer> servers) {
            List<DhcpServer> unread = servers.stream().filter(s -> !before.containsKey(s.id())).toList();
            List<Read> reads = Parallel.map(unread, s -> {
                try {
                    if (s.type() == ServerType.ISC) {
                        String text = targets.target(s).read().text();
                        return new Read(text, new DhcpdConfEditor(DhcpdConf.parse(text)), null);
                    }
                    KeaConfig.Planning base = kea.lastSynced(ServerTargets.keaClient(s)).plan();
                    return new Read(base.text(), null, base.doc());
                } catch (UserError e) {
                    throw new UserError(e.kind(), e.field(), "DHCP server \"" + s.name() + "\" could not be read: " + e.getMessage(), e);
                }
            });
            for (int i = 0; i < unread.size(); i++) {
                long id = unread.get(i).id();
                Read read = reads.get(i);
                before.put(id, read.text());
                if (read.kea() != null) {
                    keaDocs.put(id, read.kea());
                    requirePartnerWritten(unread.get(i), read.kea(), servers);
                } else {
                    dhcpd.put(id, read.dhcpd());
                }
            }
        }

        /**
         * A Kea server in an HA relationship whose partner Tandem does not manage is not written alone: HA peers must
         * have the same subnets, and the partner would be left behind without a word.
         */
        private void requirePartnerWritten(DhcpServer server, KeaConfigDocument doc, List<DhcpServer> written) {
            Optional<KeaHaConfig> ha = doc.ha();
            if (ha.isEmpty() || written.stream().anyMatch(s -> s.id() != server.id()) || failover.keaPartner(ha.get()).isPresent()) {
                return;
            }
            String partner = ha.get().peers().stream().filter(p -> !p.name().equals(ha.get().thisServerName()))
                    .map(p -> "\"" + p.name() + "\" (" + p.url() + ")").findFirst().orElse("its partner");
            throw UserError.conflict("Kea server \"" + server.name() + "\" is in an HA relationship (" + ha.get().mode().kea()
                    + ") with " + partner + ", which Tandem does not manage: a change to \"" + server.name() + "\" alone would leave"
                    + " the pair's subnets different. Nothing was changed. Register the partner (AddDHCPServer) and sync both, so"
                    + " that Tandem changes the pair together");
        }

        DhcpdConfEditor dhcpd(DhcpServer s) {
            read(List.of(s));
            return dhcpd.get(s.id());
        }

        KeaConfigDocument kea(DhcpServer s) {
            read(List.of(s));
            return keaDocs.get(s.id());
        }

        /** The changes in the order given (secondary first), for the servers that were read; rendered all at once. */
        List<ServerChange> changes(List<DhcpServer> order) {
            List<DhcpServer> read = order.stream().filter(s -> before.containsKey(s.id())).toList();
            return Parallel.map(read, s -> new ServerChange(s.name(), before.get(s.id()),
                    dhcpd.containsKey(s.id()) ? dhcpd.get(s.id()).conf().render() : keaDocs.get(s.id()).toPrettyString()));
        }
    }

    /** One server's configuration as read: its text and the editor for its kind (the other is null). */
    private record Read(String text, DhcpdConfEditor dhcpd, KeaConfigDocument kea) {}

    // ------------------------------------------------------------------ which servers

    /**
     * The servers a scope lives on, secondary first: both servers of its failover relationship (dhcpd), both
     * peers of its server's HA relationship (Kea), or its own server.
     */
    private List<DhcpServer> peers(DhcpScope scope) {
        Optional<FailoverRelationship> r = isKea(scope)
                ? relationships.list(scope.serverId()).stream().findFirst()
                : failover.relationshipOf(scope);
        if (r.isEmpty()) {
            return List.of(failover.server(scope.serverId()));
        }
        return List.of(failover.server(r.get().secondaryServerId()), failover.server(r.get().primaryServerId()));
    }

    private boolean isKea(DhcpScope scope) {
        return failover.server(scope.serverId()).type() == ServerType.Kea;
    }

    /** The dhcpd failover peer a scope's pools name, or null. */
    private String dhcpdPeer(DhcpScope scope) {
        return isKea(scope) ? null : failover.relationshipOf(scope).map(FailoverRelationship::name).orElse(null);
    }

    /** A new scope's instance on the other peer of a Kea HA pair (its pools are added by the caller). */
    private DhcpScope copyInstance(Actor actor, String saveComment, DhcpScope scope, DhcpServer peer) {
        DhcpScope copy = store.addScope(actor, saveComment, "dhcpScope", new ScopeService.NewScope(scope.rangeRef(), peer.ref(), scope.name(),
                scope.description(), scope.enabled()));
        return copy;
    }

    // ------------------------------------------------------------------ config pieces

    /**
     * On a Kea load-balancing pair each pool is split in two halves, one per peer's HA class (as the failover
     * engine does for the pools it adds); both halves are stored, as the sync will read them back.
     */
    private List<Ipv4Range> keaHalves(DhcpServer server, Ipv4Range range) {
        boolean loadBalancing = server.type() == ServerType.Kea && relationships.list(server.id()).stream()
                .anyMatch(r -> r.failoverMode() == FailoverRelationship.Mode.LoadBalance);
        if (!loadBalancing || range.size() < 2) {
            return List.of(range);
        }
        Ipv4Address mid = range.first().plus(range.size() / 2 - 1);
        return List.of(new Ipv4Range(range.first(), mid), new Ipv4Range(mid.plus(1), range.last()));
    }

    /**
     * Kea pools for the ranges a user gave; on a load-balancing pair each is split into the halves
     * {@link #keaHalves} stores, the first for the primary's HA class and the second for the secondary's.
     */
    private List<KeaPool> keaPools(KeaConfigDocument doc, DhcpServer server, List<Ipv4Range> ranges) {
        Optional<KeaHaConfig> ha = doc.ha().filter(h -> h.mode() == KeaHaConfig.Mode.LOAD_BALANCING);
        if (ha.isEmpty()) {
            return ranges.stream().map(KeaPool::of).toList();
        }
        String first = haName(ha.get(), KeaHaConfig.Role.PRIMARY);
        String second = haName(ha.get(), KeaHaConfig.Role.SECONDARY);
        List<KeaPool> out = new ArrayList<>();
        for (Ipv4Range r : ranges) {
            List<Ipv4Range> halves = keaHalves(server, r);
            out.add(new KeaPool(halves.get(0), "HA_" + first));
            if (halves.size() == 2) {
                out.add(new KeaPool(halves.get(1), "HA_" + second));
            }
        }
        return out;
    }

    private static String haName(KeaHaConfig ha, KeaHaConfig.Role role) {
        return ha.peers().stream().filter(p -> p.role() == role).map(KeaHaConfig.Peer::name).findFirst().orElse(ha.thisServerName());
    }

    private List<Ipv4Range> poolsOf(DhcpScope scope) {
        return pools.list(scope.id(), ListQuery.all()).items().stream().map(AddressBlock::addresses).toList();
    }

    /** A dhcpd subnet declaration with one pool per range, each naming the failover peer when given. */
    static String subnetDeclaration(Ipv4Range subnet, List<Ipv4Range> poolRanges, String peer) {
        long mask = (0xFFFF_FFFFL << (32 - subnet.prefixLength())) & 0xFFFF_FFFFL;
        StringBuilder text = new StringBuilder("subnet ").append(subnet.first()).append(" netmask ").append(new Ipv4Address(mask)).append(" {\n");
        for (Ipv4Range pool : poolRanges) {
            text.append("  pool {\n");
            if (peer != null) {
                text.append("    failover peer \"").append(ConfValues.peerName("name", peer)).append("\";\n");
            }
            text.append("    range ").append(pool.first()).append(' ').append(pool.last()).append(";\n  }\n");
        }
        return text.append("}").toString();
    }

    private static void requireCidr(String field, DhcpScope scope) {
        if (scope.addresses().prefixLength() < 0) {
            throw UserError.invalid(field, capitalize(scope.describe()) + " is not a whole subnet (CIDR block); DHCP servers serve subnets");
        }
    }

    /**
     * dhcpd stops when no subnet covers the address it serves on. Tandem knows that address as the server's
     * registered one or as the address its failover peer blocks give it, so a change that would take that subnet
     * away is refused before it reaches the server.
     */
    static void requireNotOwnSubnet(DhcpServer server, DhcpdConfModel model, Ipv4Range subnet, String verb) {
        List<String> own = new ArrayList<>();
        own.add(server.address());
        model.failoverPeers().forEach(p -> own.add(p.address()));
        for (String address : own) {
            if (address != null && Ipv4Address.isValid(address) && subnet.contains(Ipv4Address.parse("address", address))) {
                throw UserError.conflict("DHCP server \"" + server.name() + "\" itself sits on subnet " + subnet + " (its address "
                        + address + "); dhcpd does not start without it, so Tandem will not " + verb + " it");
            }
        }
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
