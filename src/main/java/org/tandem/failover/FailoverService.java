package org.tandem.failover;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.tandem.auth.Actor;
import org.tandem.change.ChangeEngine;
import org.tandem.change.ChangeListener;
import org.tandem.change.ChangePlan;
import org.tandem.change.Parallel;
import org.tandem.change.ChangeResult;
import org.tandem.change.ServerChange;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfEditor;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.dhcpd.conf.FailoverChecks;
import org.tandem.dhcpd.conf.FailoverPeerSpec;
import org.tandem.kea.Deconfigure;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.KeaHaSpec;
import org.tandem.kea.KeaPairPlan;
import org.tandem.kea.KeaPlan;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.AddressBlockRepository;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.ScopeRepository;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.servers.ServerType;
import org.tandem.store.ListQuery;

/**
 * Failover relationships end to end (Micetro's failover workflows): every write plans the new
 * configuration of each server from Tandem's store and the server's current configuration, runs
 * Tandem's checks ({@link FailoverChecks} on dhcpd pairs, the Kea engine's pair rules), then hands the
 * plan to the {@link ChangeEngine} (conflict check, the servers' own validators, secondary first,
 * rollback, journal), and only once the servers run the new configuration updates the store in one
 * change-log write (user, saveComment). The engine records each server's diff in the change log.
 * A dry run stops after the checks and returns each server's exact diff; nothing changes, store included.
 *
 * <p>ISC dhcpd: failover is per pool. A new relationship is {@code Empty} and writes nothing; adding
 * the first scope writes the {@code failover peer} block on both servers, {@code failover peer "NAME";}
 * in every pool of the scope and the scope's instance on the secondary, and makes it {@code Normal};
 * removing the last scope removes the block and makes it {@code Empty} again.
 *
 * <p>Kea 2.2: HA is server-level (one relationship per server, every subnet served by both), so
 * creating a Kea relationship writes the HA blocks on both peers at once (the primary's subnets copied
 * to the secondary with their ids) and it is {@code Normal} from then on; {@code Empty} never applies.
 * Adding a scope puts its subnet on both peers with one subnet id. Removing a scope from a Kea
 * relationship only stops Tandem listing it there ({@code None}): while HA runs, the secondary must
 * serve every subnet of the primary, so {@code Disable} and {@code Delete} are refused with that reason
 * (removing the relationship applies them).
 *
 * <p>The servers' "last synced" configurations are read from the servers when a change is planned
 * (dhcpd through the agent, Kea with config-get); the change engine's conflict check then refuses the
 * change if a server's configuration changes between planning and writing.
 */
public final class FailoverService {

    /** Micetro's DHCPFailoverDeconfigureAction. */
    public enum DeconfigureAction {
        None, Disable, Delete;

        public static DeconfigureAction parse(String field, String text) {
            if (text == null) {
                return None;
            }
            for (DeconfigureAction a : values()) {
                if (a.name().equals(text)) {
                    return a;
                }
            }
            throw UserError.invalid(field, "must be None, Disable or Delete, not \"" + text + "\"");
        }
    }

    /**
     * What a user gives for a relationship (Micetro's DHCPFailoverRelationship); null means "default"
     * on add and "unchanged" on modify. ISC times are seconds; Kea delays are milliseconds.
     * {@code primaryAddress}/{@code secondaryAddress}: the dhcpd peers' failover addresses when they
     * are not the servers' registered addresses (a Tandem extension).
     */
    public record Spec(String name, String primaryServer, String secondaryServer, String failoverMode, Integer percentage,
            Integer mclt, Integer port, Integer peerPort, Integer loadBalanceMaxSeconds, Integer maxResponseDelay,
            Integer maxUnackedUpdates, Integer heartbeatDelay, Integer maxAckDelay, Integer maxUnackedClients,
            Boolean autoFailover, String primaryAddress, String secondaryAddress) {}

    /** A relationship after a write, with what the change did (null when no server had to change). */
    public record Outcome(FailoverRelationship relationship, ChangeResult change) {}

    private static final int KEA_DEFAULT_MAX_RESPONSE_DELAY_MS = 60_000;

    private final ServerService servers;
    private final ScopeService scopeService;
    private final ScopeRepository scopes;
    private final AddressBlockRepository pools;
    private final FailoverRepository relationships;
    private final PeerAddresses peerAddresses;
    private final FailoverCache cache;
    private final ServerTargets targets;
    private final KeaEngine kea;
    private final ChangeEngine engine;
    private final ChangeLog changeLog;
    /** One failover write at a time on this node; the engine's server locks cover other nodes. */
    private final ReentrantLock writes = new ReentrantLock();

    public FailoverService(ServerService servers, ScopeService scopeService, ScopeRepository scopes, AddressBlockRepository pools,
            FailoverRepository relationships, PeerAddresses peerAddresses, FailoverCache cache, ServerTargets targets, KeaEngine kea,
            ChangeEngine engine, ChangeLog changeLog) {
        this.cache = Objects.requireNonNull(cache);
        this.servers = Objects.requireNonNull(servers);
        this.scopeService = Objects.requireNonNull(scopeService);
        this.scopes = Objects.requireNonNull(scopes);
        this.pools = Objects.requireNonNull(pools);
        this.relationships = Objects.requireNonNull(relationships);
        this.peerAddresses = Objects.requireNonNull(peerAddresses);
        this.targets = Objects.requireNonNull(targets);
        this.kea = Objects.requireNonNull(kea);
        this.engine = Objects.requireNonNull(engine);
        this.changeLog = Objects.requireNonNull(changeLog);
    }

    // ------------------------------------------------------------------ reading

    /** Relationships of one server (by ref or name), or all when {@code serverRef} is null. */
    public List<FailoverRelationship> list(String serverRef) {
        Long id = serverRef == null ? null : servers.get("dhcpServerRef", serverRef).id();
        return relationships.list(id);
    }

    /** The named relationship, which must involve the server when one is given. */
    public FailoverRelationship get(String serverRef, String name) {
        if (name == null || name.isBlank()) {
            throw UserError.invalid("dhcpFailoverRelationshipName", "is required");
        }
        FailoverRelationship r = relationships.findByName(name)
                .orElseThrow(() -> UserError.notFound("DHCP failover relationship", name));
        if (serverRef != null) {
            DhcpServer s = servers.get("dhcpServerRef", serverRef);
            if (r.primaryServerId() != s.id() && r.secondaryServerId() != s.id()) {
                throw UserError.notFound("DHCP failover relationship", name + " on server " + s.name());
            }
        }
        return r;
    }

    /** A server by ref ({@code dhcpServers/3}) or name. */
    public DhcpServer serverByRef(String serverRef) {
        return servers.get("dhcpServerRef", serverRef);
    }

    public DhcpServer server(long id) {
        return servers.get("server", DhcpServer.RESOURCE + "/" + id);
    }

    /** The registered Kea server that is the HA partner in {@code ha}, found by its HA name or by its URL, if any. */
    public Optional<DhcpServer> keaPartner(org.tandem.kea.config.KeaHaConfig ha) {
        Optional<org.tandem.kea.config.KeaHaConfig.Peer> other = ha.peers().stream()
                .filter(p -> !p.name().equals(ha.thisServerName())).findFirst();
        return other.flatMap(p -> servers.list(org.tandem.store.ListQuery.all()).items().stream()
                .filter(x -> x.type() == ServerType.Kea && (x.name().equals(p.name())
                        || p.url().getPort() == x.port() && x.address().equals(p.url().getHost())))
                .findFirst());
    }

    /** The relationship a scope instance (or its range's instance on a peer) belongs to. */
    public Optional<FailoverRelationship> relationshipOf(DhcpScope scope) {
        return scopes.failoverRelationshipName(scope.id()).flatMap(relationships::findByName)
                .or(() -> relationships.list(scope.serverId()).stream()
                        .filter(r -> r.scopeIds().stream().map(scopes::findById).flatMap(Optional::stream)
                                .anyMatch(s -> s.rangeId() == scope.rangeId()))
                        .findFirst());
    }

    /** Every instance of a scope's range, one per server ("Manage scope instances"). */
    public List<DhcpScope> instances(String scopeRef) {
        DhcpScope scope = scopeService.scope("dhcpScopeRef", scopeRef);
        List<DhcpScope> out = new ArrayList<>();
        for (DhcpServer s : servers.list(ListQuery.all()).items()) {
            scopes.findByRangeAndServer(scope.rangeId(), s.id()).ifPresent(out::add);
        }
        return out;
    }

    // ------------------------------------------------------------------ relationships

    /** AddDHCPFailoverRelationship. */
    public Outcome add(Actor actor, Spec spec, String saveComment, boolean dryRun) {
        requireWriter(actor);
        String name = relationshipName("dhcpFailoverRelationship.name", spec.name());
        DhcpServer primary = servers.get("dhcpFailoverRelationship.primaryServer", required("dhcpFailoverRelationship.primaryServer", spec.primaryServer()));
        DhcpServer secondary = servers.get("dhcpFailoverRelationship.secondaryServer", required("dhcpFailoverRelationship.secondaryServer", spec.secondaryServer()));
        if (primary.id() == secondary.id()) {
            throw UserError.invalid("dhcpFailoverRelationship.secondaryServer", "must be another server than the primary");
        }
        if (primary.type() != secondary.type()) {
            throw UserError.invalid("dhcpFailoverRelationship.secondaryServer", "\"" + secondary.name() + "\" is a " + secondary.type()
                    + " server and \"" + primary.name() + "\" a " + primary.type() + " server; both peers must be of one kind");
        }
        FailoverRelationship r = merge(null, spec, name, primary, secondary);
        PeerAddresses.Pair given = addresses(spec, null);
        return locked(() -> {
            if (relationships.findByName(name).isPresent()) {
                throw UserError.conflict("A failover relationship named \"" + name + "\" already exists");
            }
            if (primary.type() == ServerType.ISC) {
                // Checked now so a bad value is refused at once, not when the first scope is added (3 minutes of rollback later).
                PeerAddresses.Pair addresses = new PeerAddresses.Pair(
                        given.primary() != null ? given.primary() : listeningAddress(primary, "dhcpFailoverRelationship.primaryAddress"),
                        given.secondary() != null ? given.secondary() : listeningAddress(secondary, "dhcpFailoverRelationship.secondaryAddress"));
                checkAddresses(name, addresses, primary, secondary, null);
                iscSpec(r, addresses, primary, secondary);
                return commit(actor, saveComment, dryRun, r, List.of(), log -> {
                    long id = relationships.insert(r);
                    peerAddresses.save(id, addresses);
                    FailoverRelationship created = relationships.findById(id).orElseThrow();
                    log.created(FailoverRelationship.OBJ_TYPE, created.ref(), snapshot(created));
                });
            }
            for (FailoverRelationship other : relationships.list(null)) {
                for (DhcpServer s : List.of(primary, secondary)) {
                    if (other.primaryServerId() == s.id() || other.secondaryServerId() == s.id()) {
                        throw UserError.conflict("Kea server \"" + s.name() + "\" is already in failover relationship \""
                                + other.name() + "\"; Kea 2.2 allows one HA relationship per server");
                    }
                }
            }
            KeaClient a = ServerTargets.keaClient(primary);
            KeaClient b = ServerTargets.keaClient(secondary);
            planningPair(a, b);
            KeaPairPlan plan = kea.planCreateHa(a, b, keaSpec(r, primary, secondary));
            FailoverReader.Declared declared = declared(primary, plan.primary().newConfig(), secondary, plan.secondary().newConfig())
                    .orElseThrow(() -> new IllegalStateException("planned HA blocks of " + name + " do not name each other"))
                    .named(name);
            FailoverRelationship normal = withState(r, FailoverRelationship.State.Normal, List.of());
            List<Ipv4Range> copied = FailoverReader.KeaView.of(plan.secondary().newConfig()).subnets();
            return commit(actor, saveComment, dryRun, normal, keaChanges(plan), log -> {
                // The primary's subnets the plan copies to the secondary get their instances there, as a sync would find them.
                for (Ipv4Range subnet : declared.subnets()) {
                    if (copied.contains(subnet)) {
                        cache.instance(subnet, primary).ifPresent(scope -> ensureInstance(scope, secondary, log));
                    }
                }
                cache.record(log, declared, primary, secondary, null);
            });
        });
    }

    /** ModifyDHCPFailoverRelationship: the stored values, and the declaration on both servers when it is there. */
    public Outcome modify(Actor actor, Spec spec, String saveComment, boolean dryRun) {
        requireWriter(actor);
        String name = required("dhcpFailoverRelationship.name", spec.name());
        return locked(() -> {
            FailoverRelationship before = get(null, name);
            DhcpServer primary = server(before.primaryServerId());
            DhcpServer secondary = server(before.secondaryServerId());
            if (spec.primaryServer() != null && servers.get("dhcpFailoverRelationship.primaryServer", spec.primaryServer()).id() != primary.id()
                    || spec.secondaryServer() != null && servers.get("dhcpFailoverRelationship.secondaryServer", spec.secondaryServer()).id() != secondary.id()) {
                throw UserError.invalid("dhcpFailoverRelationship", "the servers of a relationship cannot change; remove it and add a new one");
            }
            FailoverRelationship after = merge(before, spec, name, primary, secondary);
            PeerAddresses.Pair addresses = addresses(spec, peerAddresses.find(before.id()).orElse(null));
            if (primary.type() == ServerType.ISC) {
                checkAddresses(name, resolved(addresses, primary, secondary), primary, secondary, before);
            }
            if (primary.type() == ServerType.ISC) {
                FailoverPeerSpec p = iscSpec(after, addresses, primary, secondary);
                if (before.state() == FailoverRelationship.State.Normal) {
                    Dhcpd[] pair = readPair(primary, secondary);
                    Dhcpd a = pair[0];
                    Dhcpd b = pair[1];
                    a.editor.updateFailoverPeer(p);
                    b.editor.updateFailoverPeer(p.mirror());
                    checkPair(a, b, name);
                    Planned planned = planned(before, a, b);
                    return commit(actor, saveComment, dryRun, after, planned.changes(), log -> planned.record(log));
                }
                // Not on the servers yet: the store is the only place it lives.
                return commit(actor, saveComment, dryRun, after, List.of(), log -> {
                    relationships.update(after);
                    peerAddresses.save(after.id(), addresses);
                    log.modified(FailoverRelationship.OBJ_TYPE, after.ref(), snapshot(before), snapshot(after));
                });
            }
            KeaClient a = ServerTargets.keaClient(primary);
            KeaClient b = ServerTargets.keaClient(secondary);
            planningPair(a, b);
            Planned planned = planned(before, kea.planModifyHa(a, b, keaSpec(after, primary, secondary)));
            return commit(actor, saveComment, dryRun, after, planned.changes(), log -> planned.record(log));
        });
    }

    /** RemoveDHCPFailoverRelationships (one of them): deconfigures its scopes first, then removes it. */
    public Outcome remove(Actor actor, String serverRef, String name, DeconfigureAction action, String saveComment, boolean dryRun) {
        requireWriter(actor);
        return locked(() -> {
            FailoverRelationship r = get(serverRef, name);
            DhcpServer primary = server(r.primaryServerId());
            DhcpServer secondary = server(r.secondaryServerId());
            List<ServerChange> changes = new ArrayList<>();
            List<Consumer<ChangeLog.Recorder>> store = new ArrayList<>();
            if (primary.type() == ServerType.ISC) {
                if (!r.scopeIds().isEmpty()) {
                    changes.addAll(iscRemoveScopes(r, primary, secondary, storedScopes(r.scopeIds()), action, store).changes());
                }
            } else {
                KeaClient a = ServerTargets.keaClient(primary);
                KeaClient b = ServerTargets.keaClient(secondary);
                planningPair(a, b);
                changes.addAll(keaChanges(kea.planRemoveHa(a, b, switch (action) {
                    case None -> Deconfigure.NONE;
                    case Disable -> Deconfigure.DISABLE;
                    case Delete -> Deconfigure.DELETE;
                })));
                for (DhcpScope s : storedScopes(r.scopeIds())) {
                    scopes.findByRangeAndServer(s.rangeId(), secondary.id())
                            .ifPresent(inst -> store.add(log -> deconfigureInstance(inst, action, log)));
                }
            }
            return commit(actor, saveComment, dryRun, r, changes, log -> {
                store.forEach(step -> step.accept(log));
                relationships.delete(r.id());
                log.removed(FailoverRelationship.OBJ_TYPE, r.ref(), snapshot(r));
            });
        });
    }

    // ------------------------------------------------------------------ scopes

    /** AddDHCPScopesToDHCPFailoverRelationship. */
    public Outcome addScopes(Actor actor, String serverRef, String name, List<String> scopeRefs, String saveComment, boolean dryRun) {
        requireWriter(actor);
        List<String> refs = refs(scopeRefs);
        return locked(() -> {
            FailoverRelationship r = get(serverRef, name);
            DhcpServer primary = server(r.primaryServerId());
            DhcpServer secondary = server(r.secondaryServerId());
            List<DhcpScope> added = new ArrayList<>();
            for (int i = 0; i < refs.size(); i++) {
                String field = "dhcpScopeRefs[" + i + "]";
                DhcpScope given = scopeService.scope(field, refs.get(i));
                if (given.serverId() != primary.id() && given.serverId() != secondary.id()) {
                    throw UserError.invalid(field, capitalize(given.describe()) + " is on another server than the relationship's \""
                            + primary.name() + "\" and \"" + secondary.name() + "\"");
                }
                // The relationship lists the primary's instance; a scope given on the secondary means its range.
                DhcpScope onPrimary = scopes.findByRangeAndServer(given.rangeId(), primary.id()).orElse(given);
                for (DhcpScope inst : List.of(given, onPrimary)) {
                    Optional<String> member = scopes.failoverRelationshipName(inst.id());
                    if (member.isPresent()) {
                        throw UserError.conflict(capitalize(inst.describe()) + " is already in failover relationship \"" + member.get()
                                + "\"; a scope can be in only one relationship");
                    }
                }
                if (added.stream().anyMatch(s -> s.rangeId() == onPrimary.rangeId())) {
                    throw UserError.invalid(field, "names the same scope twice");
                }
                if (poolsOf(onPrimary).isEmpty()) {
                    throw UserError.invalid(field, capitalize(onPrimary.describe()) + " has no address pool; add a pool to the scope"
                            + " before adding it to a failover relationship");
                }
                requireCidr(field, onPrimary);
                added.add(onPrimary);
            }
            List<Long> ids = new ArrayList<>(r.scopeIds());
            added.forEach(s -> ids.add(s.id()));
            FailoverRelationship after = withState(r, FailoverRelationship.State.Normal, ids);
            List<Consumer<ChangeLog.Recorder>> store = new ArrayList<>();
            Planned planned = primary.type() == ServerType.ISC
                    ? iscAddScopes(r, primary, secondary, added, store)
                    : keaAddScopes(r, primary, secondary, added, store);
            return commit(actor, saveComment, dryRun, after, planned.changes(), log -> {
                store.forEach(step -> step.accept(log));
                planned.record(log);
            });
        });
    }

    /**
     * AddDHCPScope's dry run with a dhcpd relationship: both servers' diffs for a scope not made yet, as the real
     * command leaves them (the subnet with {@code pools} on {@code serverRef}, then the failover peer and the subnet on
     * both). The scope's own checks are ScopeWrites' dry run; this checks the relationship's part.
     */
    public Outcome previewNewIscScope(Actor actor, String serverRef, String name, Ipv4Range subnet, List<Ipv4Range> pools,
            String saveComment) {
        requireWriter(actor);
        return locked(() -> {
            FailoverRelationship r = get(serverRef, name);
            DhcpServer primary = server(r.primaryServerId());
            DhcpServer secondary = server(r.secondaryServerId());
            if (primary.type() != ServerType.ISC) {
                throw new IllegalStateException("relationship " + name + " is Kea HA; its scope's dry run is the scope write's own");
            }
            if (pools.isEmpty()) {
                throw UserError.invalid("dhcpAddressPools", "a scope joins failover relationship \"" + name + "\" only with an address"
                        + " pool; give at least one");
            }
            DhcpServer own = servers.get("dhcpScope.dhcpServerRef", serverRef);
            Dhcpd[] pair = readPair(primary, secondary);
            Dhcpd a = pair[0];
            Dhcpd b = pair[1];
            String declaration = ScopeWrites.subnetDeclaration(subnet, pools, null);
            Dhcpd first = own.id() == primary.id() ? a : b;
            if (first.model().subnet(subnet).isEmpty()) {
                first.editor.addSubnet(declaration, null);
            }
            // From here as addScopes plans it for the scope once it exists.
            enableOnPair(a, b, subnet, declaration, iscSpec(r, peerAddresses.find(r.id()).orElse(null), primary, secondary));
            checkPair(a, b, r.name());
            Planned planned = planned(r, a, b);
            return commit(actor, saveComment, true, withState(r, FailoverRelationship.State.Normal, r.scopeIds()), planned.changes(),
                    log -> { });
        });
    }

    /** RemoveDHCPScopesFromDHCPFailoverRelationship. */
    public Outcome removeScopes(Actor actor, String serverRef, String name, List<String> scopeRefs, DeconfigureAction action,
            String saveComment, boolean dryRun) {
        requireWriter(actor);
        List<String> refs = refs(scopeRefs);
        return locked(() -> {
            FailoverRelationship r = get(serverRef, name);
            DhcpServer primary = server(r.primaryServerId());
            DhcpServer secondary = server(r.secondaryServerId());
            List<DhcpScope> removed = new ArrayList<>();
            for (int i = 0; i < refs.size(); i++) {
                String field = "dhcpScopeRefs[" + i + "]";
                DhcpScope given = scopeService.scope(field, refs.get(i));
                DhcpScope member = storedScopes(r.scopeIds()).stream().filter(s -> s.rangeId() == given.rangeId()).findFirst()
                        .orElseThrow(() -> UserError.invalid(field, capitalize(given.describe()) + " is not in failover relationship \"" + name + "\""));
                if (removed.contains(member)) {
                    throw UserError.invalid(field, "names the same scope twice");
                }
                removed.add(member);
            }
            if (primary.type() != ServerType.ISC) {
                throw UserError.invalid("dhcpFailoverRelationshipDeconfigureAction", "Kea HA is server-level: while the relationship"
                        + " exists both peers serve every scope of the primary, so a scope cannot leave it alone (" + action.name()
                        + "); remove the scope itself (RemoveDHCPScope takes it off both peers), or remove the relationship");
            }
            List<Long> ids = new ArrayList<>(r.scopeIds());
            removed.forEach(s -> ids.remove(s.id()));
            FailoverRelationship after = withState(r, ids.isEmpty() ? FailoverRelationship.State.Empty : FailoverRelationship.State.Normal, ids);
            List<Consumer<ChangeLog.Recorder>> store = new ArrayList<>();
            Planned planned = iscRemoveScopes(r, primary, secondary, removed, action, store);
            return commit(actor, saveComment, dryRun, after, planned.changes(), log -> {
                store.forEach(step -> step.accept(log));
                planned.record(log);
            });
        });
    }

    /**
     * "Manage scope instances", add: puts the scope's instance on a server. On a scope in a failover
     * relationship this is adding it on the partner (the peer block is written on both servers).
     */
    public Outcome addInstance(Actor actor, String scopeRef, String serverRef, String saveComment, boolean dryRun) {
        requireWriter(actor);
        return locked(() -> {
            DhcpScope scope = scopeService.scope("dhcpScopeRef", scopeRef);
            DhcpServer target = servers.get("dhcpServerRef", serverRef);
            if (scopes.findByRangeAndServer(scope.rangeId(), target.id()).isPresent()) {
                throw UserError.conflict("DHCP server \"" + target.name() + "\" already has an instance of " + scope.describe());
            }
            if (poolsOf(scope).isEmpty()) {
                throw UserError.invalid("dhcpScopeRef", capitalize(scope.describe()) + " has no address pool to copy");
            }
            requireCidr("dhcpScopeRef", scope);
            Optional<FailoverRelationship> rel = relationshipOf(scope);
            if (rel.isPresent() && rel.get().primaryServerId() != target.id() && rel.get().secondaryServerId() != target.id()) {
                throw UserError.invalid("dhcpServerRef", capitalize(scope.describe()) + " is in failover relationship \"" + rel.get().name()
                        + "\"; its instances belong on that relationship's two servers");
            }
            List<Consumer<ChangeLog.Recorder>> store = new ArrayList<>();
            store.add(log -> copyInstance(scope, target, log));
            List<ServerChange> changes = new ArrayList<>();
            DhcpServer source = server(scope.serverId());
            if (target.type() == ServerType.ISC) {
                Dhcpd to = Dhcpd.read(this, target);
                String declaration = source.type() == ServerType.ISC
                        ? Dhcpd.read(this, source).editor.subnetText(scope.addresses()).orElseGet(() -> subnetDeclaration(scope, null))
                        : subnetDeclaration(scope, null);
                to.editor.addSubnet(declaration, null);
                changes.add(to.change());
            } else {
                KeaClient client = ServerTargets.keaClient(target);
                KeaConfig base = kea.forPlanning(client);
                KeaConfigDocument doc = base.edit();
                doc.addSubnet(KeaSubnet.of(kea.nextSubnetId(client), scope.addresses(), keaPools(scope)));
                changes.add(new ServerChange(target.name(), base.toPrettyString(), doc.toPrettyString()));
            }
            return commit(actor, saveComment, dryRun, rel.orElse(null), changes, log -> store.forEach(step -> step.accept(log)));
        });
    }

    /**
     * "Manage scope instances", remove: the instance leaves its server (and Tandem). Removing the
     * secondary's instance of a failover scope takes the scope out of the relationship (Delete).
     */
    public Outcome removeInstance(Actor actor, String instanceRef, String saveComment, boolean dryRun) {
        requireWriter(actor);
        DhcpScope inst = scopeService.scope("dhcpScopeRef", instanceRef);
        Optional<FailoverRelationship> rel = relationshipOf(inst);
        if (rel.isPresent()) {
            FailoverRelationship r = rel.get();
            if (inst.serverId() == r.primaryServerId()) {
                throw UserError.conflict(capitalize(inst.describe()) + " is the primary's instance in failover relationship \"" + r.name()
                        + "\"; remove the scope from the relationship first");
            }
            DhcpScope member = storedScopes(r.scopeIds()).stream().filter(s -> s.rangeId() == inst.rangeId()).findFirst().orElseThrow();
            return removeScopes(actor, null, r.name(), List.of(member.ref()), DeconfigureAction.Delete, saveComment, dryRun);
        }
        return locked(() -> {
            DhcpServer server = server(inst.serverId());
            List<ServerChange> changes = new ArrayList<>();
            if (server.type() == ServerType.ISC) {
                Dhcpd d = Dhcpd.read(this, server);
                if (d.model().subnet(inst.addresses()).isPresent()) {
                    d.editor.removeSubnet(inst.addresses());
                    changes.add(d.change());
                }
            } else {
                KeaClient client = ServerTargets.keaClient(server);
                KeaConfig base = kea.forPlanning(client);
                if (base.subnetWithPrefix(inst.addresses()).isPresent()) {
                    KeaConfigDocument doc = base.edit();
                    doc.removeSubnet(inst.addresses());
                    changes.add(new ServerChange(server.name(), base.toPrettyString(), doc.toPrettyString()));
                }
            }
            return commit(actor, saveComment, dryRun, null, changes, log -> deconfigureInstance(inst, DeconfigureAction.Delete, log));
        });
    }

    /**
     * ReplicateDHCPFailover: makes the secondary's copy of each scope of the server's relationships (one by name, one
     * scope, when given) what the primary has, and its peer block the mirror of the primary's. Only the secondary is
     * written, through the change engine like every write (diff, dry run, rollback, history).
     */
    public List<Outcome> replicate(Actor actor, String serverRef, String name, String scopeRef, String saveComment, boolean dryRun) {
        requireWriter(actor);
        DhcpServer server = servers.get("dhcpServerRef", required("dhcpServerRef", serverRef));
        Ipv4Range only = scopeRef == null ? null : scopeService.scope("dhcpScopeRef", scopeRef).addresses();
        return locked(() -> {
            List<FailoverRelationship> all = name != null ? List.of(get(server.ref(), name)) : relationships.list(server.id());
            if (all.isEmpty()) {
                throw UserError.invalid("dhcpServerRef", "DHCP server \"" + server.name() + "\" is in no failover relationship");
            }
            List<Outcome> out = new ArrayList<>();
            for (FailoverRelationship r : all) {
                out.add(replicate(actor, r, only, saveComment, dryRun));
            }
            return out;
        });
    }

    private Outcome replicate(Actor actor, FailoverRelationship r, Ipv4Range only, String saveComment, boolean dryRun) {
        DhcpServer primary = server(r.primaryServerId());
        DhcpServer secondary = server(r.secondaryServerId());
        if (primary.type() == ServerType.ISC) {
            Dhcpd[] pair = readPair(primary, secondary);
            Dhcpd a = pair[0];
            Dhcpd b = pair[1];
            List<Ipv4Range> subnets = FailoverReader.memberSubnets(a.model(), r.name()).stream()
                    .filter(x -> only == null || x.equals(only)).toList();
            requireMember(r, only, subnets);
            FailoverPeerSpec mirror = iscSpec(r, peerAddresses.find(r.id()).orElse(null), primary, secondary).mirror();
            for (Ipv4Range subnet : subnets) {
                String sharedNetwork = b.model().subnet(subnet).map(DhcpdConfModel.Subnet::sharedNetwork)
                        .or(() -> a.model().subnet(subnet).map(DhcpdConfModel.Subnet::sharedNetwork)
                                .filter(n -> b.model().sharedNetworks().stream().anyMatch(x -> x.name().equals(n))))
                        .orElse(null);
                if (b.model().subnet(subnet).isPresent()) {
                    b.editor.removeSubnet(subnet);
                }
                b.editor.addSubnet(a.editor.subnetText(subnet).orElseThrow(), sharedNetwork);
                // Removing the old copy took the peer block with it when no other pool named it: this brings it back.
                b.editor.enableFailover(subnet, mirror);
            }
            if (a.model().failoverPeer(r.name()).isPresent() && b.model().failoverPeer(r.name()).isPresent()) {
                b.editor.updateFailoverPeer(mirror);
            }
            checkPair(a, b, r.name());
            Planned planned = planned(r, a, b);
            return commit(actor, saveComment, dryRun, r, planned.changes(), log -> planned.record(log));
        }
        KeaClient ka = ServerTargets.keaClient(primary);
        KeaClient kb = ServerTargets.keaClient(secondary);
        Parallel.Pair<KeaConfig, KeaConfig> bases = planningPair(ka, kb);
        KeaConfigDocument docA = bases.first().edit();
        KeaConfigDocument docB = bases.second().edit();
        List<KeaSubnet> subnets = docA.subnets().stream().filter(x -> only == null || x.subnet().equals(only)).toList();
        requireMember(r, only, subnets.stream().map(KeaSubnet::subnet).toList());
        for (KeaSubnet p : subnets) {
            docB.copySubnet(docA, p.subnet());
        }
        KeaPairPlan plan = new KeaPairPlan(new KeaPlan(ka, (n, d) -> { }, bases.first(), docA, ""),
                new KeaPlan(kb, (n, d) -> { }, bases.second(), docB, ""), true);
        kea.checkRules(plan);
        Planned planned = planned(r, plan);
        return commit(actor, saveComment, dryRun, r, planned.changes(), log -> planned.record(log));
    }

    private static void requireMember(FailoverRelationship r, Ipv4Range only, List<Ipv4Range> found) {
        if (only != null && found.isEmpty()) {
            throw UserError.invalid("dhcpScopeRef", "scope " + only + " is not in failover relationship \"" + r.name()
                    + "\" on its primary");
        }
    }

    // ------------------------------------------------------------------ ISC plans

    private Planned iscAddScopes(FailoverRelationship r, DhcpServer primary, DhcpServer secondary, List<DhcpScope> added,
            List<Consumer<ChangeLog.Recorder>> store) {
        PeerAddresses.Pair addresses = peerAddresses.find(r.id()).orElse(new PeerAddresses.Pair(null, null));
        Dhcpd[] pair = readPair(primary, secondary);
        Dhcpd a = pair[0];
        Dhcpd b = pair[1];
        FailoverPeerSpec spec = iscSpec(r, addresses, primary, secondary);
        for (DhcpScope scope : added) {
            enableOnPair(a, b, scope.addresses(), subnetDeclaration(scope, null), spec);
            DhcpServer target = secondary;
            store.add(log -> ensureInstance(scope, target, log));
        }
        checkPair(a, b, r.name());
        return planned(r, a, b);
    }

    /**
     * Puts {@code subnet} in failover on both peers ({@code a} the primary): declared on the primary from
     * {@code declaration} when missing, copied to the secondary (a copy disabled when it last left a relationship is
     * brought back as it was), and every pool naming the peer, whose block is written or updated on both.
     */
    private static void enableOnPair(Dhcpd a, Dhcpd b, Ipv4Range subnet, String declaration, FailoverPeerSpec spec) {
        if (a.model().subnet(subnet).isEmpty()) {
            a.editor.addSubnet(declaration, null);
        }
        a.editor.enableFailover(subnet, spec);
        if (b.model().subnet(subnet).isEmpty() && b.model().disabledSubnets().stream().anyMatch(d -> d.range().equals(subnet))) {
            b.editor.enableSubnet(subnet);
        }
        if (b.model().subnet(subnet).isEmpty()) {
            String sharedNetwork = a.model().subnet(subnet).map(DhcpdConfModel.Subnet::sharedNetwork)
                    .filter(n -> b.model().sharedNetworks().stream().anyMatch(x -> x.name().equals(n))).orElse(null);
            b.editor.addSubnet(a.editor.subnetText(subnet).orElseThrow(), sharedNetwork);
        }
        b.editor.enableFailover(subnet, spec.mirror());
    }

    private Planned iscRemoveScopes(FailoverRelationship r, DhcpServer primary, DhcpServer secondary, List<DhcpScope> removed,
            DeconfigureAction action, List<Consumer<ChangeLog.Recorder>> store) {
        Dhcpd[] pair = readPair(primary, secondary);
        Dhcpd a = pair[0];
        Dhcpd b = pair[1];
        for (DhcpScope scope : removed) {
            Ipv4Range subnet = scope.addresses();
            if (action != DeconfigureAction.None && b.model().subnet(subnet).isPresent()) {
                // Checked on the config as read, while the peer block still gives the secondary's own address.
                ScopeWrites.requireNotOwnSubnet(secondary, b.model(), subnet, action == DeconfigureAction.Delete ? "delete" : "disable");
            }
            if (a.model().subnet(subnet).isPresent()) {
                a.editor.disableFailover(subnet, r.name());
            }
            if (b.model().subnet(subnet).isPresent()) {
                // Statements first, so a disabled subnet holds no reference to a peer block that is gone.
                b.editor.disableFailover(subnet, r.name());
                switch (action) {
                    case None -> { }
                    case Disable -> b.editor.disableSubnet(subnet);
                    case Delete -> b.editor.removeSubnet(subnet);
                }
            }
            scopes.findByRangeAndServer(scope.rangeId(), secondary.id())
                    .ifPresent(inst -> store.add(log -> deconfigureInstance(inst, action, log)));
        }
        return planned(r, a, b);
    }

    private static void checkPair(Dhcpd a, Dhcpd b, String peer) {
        DhcpdConfModel pa = a.model();
        DhcpdConfModel pb = b.model();
        if (pa.failoverPeer(peer).isEmpty() && pb.failoverPeer(peer).isEmpty()) {
            return;
        }
        List<FailoverChecks.Finding> findings = FailoverChecks.check(pa, pb, peer);
        if (!findings.isEmpty()) {
            FailoverChecks.Finding f = findings.get(0);
            throw UserError.invalid(f.field(), "the planned configurations of \"" + a.server.name() + "\" and \"" + b.server.name()
                    + "\" would not mirror each other: " + f.message());
        }
    }

    private FailoverPeerSpec iscSpec(FailoverRelationship r, PeerAddresses.Pair addresses, DhcpServer primary, DhcpServer secondary) {
        String pa = addresses != null && addresses.primary() != null ? addresses.primary() : primary.address();
        String sa = addresses != null && addresses.secondary() != null ? addresses.secondary() : secondary.address();
        if (!Ipv4Address.isValid(pa) || !Ipv4Address.isValid(sa)) {
            throw UserError.invalid("dhcpFailoverRelationship.primaryAddress", "dhcpd failover needs IPv4 addresses for both peers; \""
                    + (Ipv4Address.isValid(pa) ? sa : pa) + "\" is not one (give primaryAddress and secondaryAddress)");
        }
        if (r.failoverMode() != FailoverRelationship.Mode.LoadBalance && r.failoverMode() != FailoverRelationship.Mode.HotStandby) {
            throw UserError.invalid("dhcpFailoverRelationship.failoverMode", "ISC dhcpd failover is LoadBalance or HotStandby");
        }
        int percentage = r.failoverMode() == FailoverRelationship.Mode.HotStandby ? 100 : r.percentage();
        return FailoverPeerSpec.builder(r.name(), DhcpdConfModel.Role.PRIMARY, pa, sa)
                .port(r.port()).peerPort(r.peerPort()).mclt(r.mclt()).percentage(percentage)
                .loadBalanceMaxSeconds(r.loadBalanceMaxSeconds()).maxResponseDelay(r.maxResponseDelay())
                .maxUnackedUpdates(r.maxUnackedUpdates()).build();
    }

    /**
     * The address dhcpd on {@code server} listens on for a failover peer: the one its agent reports (from dhcpd's own
     * network namespace) inside a subnet its dhcpd.conf declares, since dhcpd listens only there; else the registered
     * address when it is not loopback. The agent's address is where Central reaches it, often not dhcpd's.
     */
    private String listeningAddress(DhcpServer server, String field) {
        List<String> reported;
        try {
            reported = ServerTargets.agent(server).dhcpdAddresses().addresses();
        } catch (UserError e) {
            if (e.kind() != UserError.Kind.NOT_FOUND) {
                throw new UserError(e.kind(), field, "DHCP server \"" + server.name() + "\" could not tell which address dhcpd listens on: "
                        + e.getMessage() + "; give " + field.substring(field.indexOf('.') + 1) + " yourself", e);
            }
            reported = List.of(); // an agent from before this endpoint
        }
        DhcpdConfModel model = DhcpdConf.parse(targets.target(server).read().text()).model();
        for (String address : reported) {
            if (Ipv4Address.isValid(address)
                    && model.subnets().stream().anyMatch(s -> s.range().contains(Ipv4Address.parse(field, address)))) {
                return address;
            }
        }
        if (Ipv4Address.isValid(server.address()) && !server.address().startsWith("127.")) {
            return server.address();
        }
        throw UserError.invalid(field, "give the address dhcpd on \"" + server.name() + "\" listens on for its failover peer: its agent"
                + " reports " + (reported.isEmpty() ? "no address" : String.join(", ", reported)) + " inside a subnet of its dhcpd.conf,"
                + " and its registered address " + server.address() + " is loopback, which the peer cannot reach");
    }

    /** Null members (the servers' registered addresses) filled in. */
    private static PeerAddresses.Pair resolved(PeerAddresses.Pair p, DhcpServer primary, DhcpServer secondary) {
        return new PeerAddresses.Pair(p == null || p.primary() == null ? primary.address() : p.primary(),
                p == null || p.secondary() == null ? secondary.address() : p.secondary());
    }

    /** The failover addresses of an ISC relationship, as GetDHCPFailoverRelationship shows them. */
    public PeerAddresses.Pair addressesOf(FailoverRelationship r) {
        return resolved(peerAddresses.find(r.id()).orElse(null), server(r.primaryServerId()), server(r.secondaryServerId()));
    }

    /**
     * What dhcpd cannot run, refused before anything is written: both peers on one address, and a second relationship
     * between the same two addresses (dhcpd tells its relationships apart by the peer's address: the second one's
     * connection is taken for the first's and refused, "remote failover relationship name ... does not match").
     */
    private void checkAddresses(String name, PeerAddresses.Pair addresses, DhcpServer primary, DhcpServer secondary,
            FailoverRelationship self) {
        if (addresses.primary().equals(addresses.secondary())) {
            throw UserError.invalid("dhcpFailoverRelationship.secondaryAddress", "the two peers' failover addresses are both "
                    + addresses.primary() + "; each dhcpd listens on its own address (give primaryAddress and secondaryAddress)");
        }
        for (FailoverRelationship other : relationships.list(primary.id())) {
            if (self != null && other.id() == self.id() || server(other.primaryServerId()).type() != ServerType.ISC) {
                continue;
            }
            PeerAddresses.Pair theirs = addressesOf(other);
            boolean same = addresses.primary().equals(theirs.primary()) && addresses.secondary().equals(theirs.secondary())
                    || addresses.primary().equals(theirs.secondary()) && addresses.secondary().equals(theirs.primary());
            if (same) {
                throw UserError.conflict("Failover relationship \"" + other.name() + "\" already joins " + theirs.primary() + " and "
                        + theirs.secondary() + "; dhcpd tells relationships apart by the peer's address, so \"" + name
                        + "\" cannot run between the same two addresses. Add the scopes to \"" + other.name()
                        + "\", or give other failover addresses");
            }
        }
    }

    /** A dhcpd subnet declaration for a stored scope: its pools, each naming the peer when given. */
    private String subnetDeclaration(DhcpScope scope, String peer) {
        return ScopeWrites.subnetDeclaration(scope.addresses(), poolsOf(scope).stream().map(AddressBlock::addresses).toList(), peer);
    }

    /** Both peers' configs, read and parsed at the same time (each is hundreds of KB with thousands of scopes). */
    private Dhcpd[] readPair(DhcpServer primary, DhcpServer secondary) {
        Parallel.Pair<Dhcpd, Dhcpd> pair = Parallel.both(() -> Dhcpd.read(this, primary), () -> Dhcpd.read(this, secondary));
        return new Dhcpd[] {pair.first(), pair.second()};
    }

    /** One dhcpd server's current config and an editor on a copy of it. */
    private static final class Dhcpd {
        final DhcpServer server;
        final String before;
        final DhcpdConfEditor editor;

        private Dhcpd(DhcpServer server, String before) {
            this.server = server;
            this.before = before;
            this.editor = new DhcpdConfEditor(DhcpdConf.parse(before));
        }

        static Dhcpd read(FailoverService service, DhcpServer server) {
            return new Dhcpd(server, service.targets.target(server).read().text());
        }

        DhcpdConfModel model() {
            return editor.conf().model();
        }

        ServerChange change() {
            return new ServerChange(server.name(), before, editor.conf().render());
        }
    }

    // ------------------------------------------------------------------ what a plan declares

    /**
     * A plan's server changes (secondary first), and the store update that records what the planned configurations
     * declare about the relationship: the store's membership is never written on its own ({@link FailoverCache}).
     */
    private final class Planned {
        private final List<ServerChange> changes;
        private final FailoverRelationship stored;
        private final DhcpServer primary;
        private final DhcpServer secondary;
        private final Optional<FailoverReader.Declared> declared;

        Planned(List<ServerChange> changes, FailoverRelationship stored, Optional<FailoverReader.Declared> declared) {
            this.changes = changes;
            this.stored = stored;
            this.primary = server(stored.primaryServerId());
            this.secondary = server(stored.secondaryServerId());
            this.declared = declared;
        }

        List<ServerChange> changes() {
            return changes;
        }

        void record(ChangeLog.Recorder log) {
            if (declared.isPresent()) {
                cache.record(log, declared.get(), primary, secondary, stored);
            } else {
                cache.gone(log, stored, primary.type() == ServerType.Kea);
            }
        }
    }

    /**
     * Records in the store what planned configurations declare about relationship {@code r} (empty: nothing), in a
     * write's change-log entry at its commit point: for writes outside this service that change a pair's subnets.
     */
    public void recordPlanned(ChangeLog.Recorder log, FailoverRelationship r, Optional<FailoverReader.Declared> declared) {
        new Planned(List.of(), r, declared).record(log);
    }

    /** A dhcpd pair's plan ({@code a} the primary's editor). */
    private Planned planned(FailoverRelationship r, Dhcpd a, Dhcpd b) {
        Optional<FailoverReader.Declared> declared = FailoverReader.dhcpd(a.server, a.model(), b.server, b.model()).stream()
                .filter(d -> d.name().equals(r.name())).findFirst();
        return new Planned(List.of(b.change(), a.change()), r, declared);
    }

    /** A Kea pair's plan. */
    private Planned planned(FailoverRelationship r, KeaPairPlan plan) {
        return new Planned(keaChanges(plan), r, declared(server(r.primaryServerId()), plan.primary().newConfig(),
                server(r.secondaryServerId()), plan.secondary().newConfig()));
    }

    private static Optional<FailoverReader.Declared> declared(DhcpServer primary, KeaConfigDocument a, DhcpServer secondary,
            KeaConfigDocument b) {
        return FailoverReader.kea(primary, FailoverReader.KeaView.of(a), secondary, FailoverReader.KeaView.of(b));
    }


    // ------------------------------------------------------------------ Kea plans

    private Planned keaAddScopes(FailoverRelationship r, DhcpServer primary, DhcpServer secondary, List<DhcpScope> added,
            List<Consumer<ChangeLog.Recorder>> store) {
        KeaClient a = ServerTargets.keaClient(primary);
        KeaClient b = ServerTargets.keaClient(secondary);
        Parallel.Pair<KeaConfig, KeaConfig> bases = planningPair(a, b);
        KeaConfig baseA = bases.first();
        KeaConfig baseB = bases.second();
        KeaConfigDocument docA = baseA.edit();
        KeaConfigDocument docB = baseB.edit();
        long nextId = kea.nextSubnetId(a, b);
        Optional<KeaHaConfig> ha = docA.ha();
        for (DhcpScope scope : added) {
            Ipv4Range prefix = scope.addresses();
            Optional<KeaSubnet> onA = docA.subnets().stream().filter(s -> s.subnet().equals(prefix)).findFirst();
            Optional<KeaSubnet> onB = docB.subnets().stream().filter(s -> s.subnet().equals(prefix)).findFirst();
            KeaSubnet subnet = onA.or(() -> onB).orElseGet(() -> KeaSubnet.of(0, prefix, keaPools(scope)));
            if (subnet.id() == 0) {
                subnet = subnet.withId(nextId++);
            }
            if (onA.isPresent() && onB.isPresent() && onA.get().id() != onB.get().id()) {
                throw UserError.conflict("Scope " + prefix + " has subnet id " + onA.get().id() + " on \"" + primary.name() + "\" but "
                        + onB.get().id() + " on \"" + secondary.name() + "\"; HA peers need identical ids");
            }
            // A subnet on one peer is copied whole to the other: its options, reservations and other keys too.
            if (onA.isEmpty() && onB.isEmpty()) {
                docA.addSubnet(subnet);
                docB.addSubnet(subnet);
            } else if (onA.isEmpty()) {
                docA.copySubnet(docB, prefix);
            } else if (onB.isEmpty()) {
                docB.copySubnet(docA, prefix);
            }
            DhcpServer target = secondary;
            store.add(log -> ensureInstance(scope, target, log));
        }
        if (ha.isPresent() && ha.get().mode() == KeaHaConfig.Mode.LOAD_BALANCING) {
            // HA classes are named after the peers' HA names, which need not be Tandem's server names.
            String first = ha.get().thisServerName();
            String second = docB.ha().map(KeaHaConfig::thisServerName).orElse(secondary.name());
            docA.splitPoolsForLoadBalancing(first, second);
            docB.splitPoolsForLoadBalancing(first, second);
        }
        KeaPairPlan plan = new KeaPairPlan(new KeaPlan(a, (n, d) -> { }, baseA, docA, ""), new KeaPlan(b, (n, d) -> { }, baseB, docB, ""), true);
        // Our rules only: the change engine asks each server's config-test, both at once, before writing either.
        kea.checkRules(plan);
        return planned(r, plan);
    }

    /** Both Kea peers' configs to plan on ({@link KeaEngine#forPlanning}), any reads at the same time (a config-get of thousands of subnets takes a second). */
    private Parallel.Pair<KeaConfig, KeaConfig> planningPair(KeaClient a, KeaClient b) {
        return Parallel.both(() -> kea.forPlanning(a), () -> kea.forPlanning(b));
    }

    /** The pair plan as the change engine's server changes, secondary first. */
    private static List<ServerChange> keaChanges(KeaPairPlan plan) {
        return List.of(keaChange(plan.secondary()), keaChange(plan.primary()));
    }

    private static ServerChange keaChange(KeaPlan plan) {
        return new ServerChange(plan.server().server(), plan.base().toPrettyString(), plan.newConfig().toPrettyString());
    }

    private KeaHaSpec keaSpec(FailoverRelationship r, DhcpServer primary, DhcpServer secondary) {
        KeaHaConfig.Mode mode = switch (r.failoverMode()) {
            case LoadBalance -> KeaHaConfig.Mode.LOAD_BALANCING;
            case HotStandby -> KeaHaConfig.Mode.HOT_STANDBY;
            case PassiveBackup -> KeaHaConfig.Mode.PASSIVE_BACKUP;
        };
        KeaHaSpec d = KeaHaSpec.defaults(mode);
        URI pu = ServerTargets.url(primary);
        URI su = ServerTargets.url(secondary);
        return new KeaHaSpec(mode, r.heartbeatDelay() == null ? d.heartbeatDelayMs() : r.heartbeatDelay(), r.maxResponseDelay(),
                r.maxAckDelay() == null ? d.maxAckDelayMs() : r.maxAckDelay(),
                r.maxUnackedClients() == null ? d.maxUnackedClients() : r.maxUnackedClients(),
                r.autoFailover() == null ? d.autoFailover() : r.autoFailover(), pu, su);
    }

    private List<KeaPool> keaPools(DhcpScope scope) {
        return poolsOf(scope).stream().map(p -> KeaPool.of(p.addresses())).toList();
    }

    // ------------------------------------------------------------------ store steps

    /** Creates {@code scope}'s instance (with its pools) on {@code target} in the store. */
    private void copyInstance(DhcpScope scope, DhcpServer target, ChangeLog.Recorder log) {
        long id = scopes.insert(new DhcpScope(0, scope.rangeId(), target.id(), scope.name(), scope.description(), true, scope.addresses()));
        DhcpScope created = scopes.findById(id).orElseThrow();
        log.created(DhcpScope.OBJ_TYPE, created.ref(), created.snapshot());
        for (AddressBlock p : poolsOf(scope)) {
            AddressBlock copy = pools.findById(pools.insert(id, p.addresses())).orElseThrow();
            log.created(AddressBlock.Kind.POOL.objType, copy.ref(AddressBlock.Kind.POOL), copy.snapshot(AddressBlock.Kind.POOL));
        }
    }

    /** The scope's instance on {@code target} exists and is enabled afterwards. */
    private void ensureInstance(DhcpScope scope, DhcpServer target, ChangeLog.Recorder log) {
        Optional<DhcpScope> existing = scopes.findByRangeAndServer(scope.rangeId(), target.id());
        if (existing.isEmpty()) {
            copyInstance(scope, target, log);
        } else if (!existing.get().enabled()) {
            DhcpScope enabled = existing.get().with(existing.get().name(), existing.get().description(), true);
            scopes.update(enabled);
            log.modified(DhcpScope.OBJ_TYPE, enabled.ref(), existing.get().snapshot(), enabled.snapshot());
        }
    }

    private void deconfigureInstance(DhcpScope inst, DeconfigureAction action, ChangeLog.Recorder log) {
        switch (action) {
            case None -> { }
            case Disable -> {
                DhcpScope disabled = inst.with(inst.name(), inst.description(), false);
                scopes.update(disabled);
                log.modified(DhcpScope.OBJ_TYPE, inst.ref(), inst.snapshot(), disabled.snapshot());
            }
            case Delete -> {
                for (AddressBlock p : poolsOf(inst)) {
                    log.removed(AddressBlock.Kind.POOL.objType, p.ref(AddressBlock.Kind.POOL), p.snapshot(AddressBlock.Kind.POOL));
                }
                scopes.delete(inst.id());
                log.removed(DhcpScope.OBJ_TYPE, inst.ref(), inst.snapshot());
            }
        }
    }

    private List<AddressBlock> poolsOf(DhcpScope scope) {
        return pools.list(scope.id(), ListQuery.all()).items();
    }

    private List<DhcpScope> storedScopes(List<Long> ids) {
        return ids.stream().map(scopes::findById).flatMap(Optional::stream).toList();
    }

    // ------------------------------------------------------------------ the write itself

    /**
     * Dry run: the engine's checks and diffs, nothing else. Otherwise the servers first (through the
     * engine, which records their diffs), then the store in one change-log write inside the engine's
     * commit. With no server to change, only the store write.
     */
    private Outcome commit(Actor actor, String saveComment, boolean dryRun, FailoverRelationship result, List<ServerChange> changes,
            Consumer<ChangeLog.Recorder> storeUpdate) {
        List<ServerChange> real = changes.stream().filter(c -> !c.unchanged()).toList();
        ChangeResult change = null;
        Runnable writeStore = () -> changeLog.write(actor, saveComment, log -> {
            storeUpdate.accept(log);
            return null;
        });
        if (!real.isEmpty()) {
            ChangePlan plan = new ChangePlan(real, actor.userName(), saveComment);
            // The store is written at the engine's commit point, in the journal's transaction: a Central killed
            // after the servers changed leaves a store that says what they run.
            change = dryRun ? engine.dryRun(plan, ChangeListener.LOG) : engine.apply(plan, ChangeListener.LOG, writeStore);
        } else if (dryRun) {
            change = new ChangeResult(null, true, List.of());
        } else {
            writeStore.run();
        }
        if (dryRun) {
            return new Outcome(result, change);
        }
        FailoverRelationship now = result == null ? null : relationships.findByName(result.name()).orElse(result);
        return new Outcome(now, change);
    }

    private <T> T locked(java.util.function.Supplier<T> work) {
        writes.lock();
        try {
            return work.get();
        } finally {
            writes.unlock();
        }
    }

    private static void requireWriter(Actor actor) {
        if (!actor.mayWrite()) {
            throw new UserError(UserError.Kind.PERMISSION_DENIED, null,
                    "User \"" + actor.userName() + "\" is read-only and may not make changes");
        }
    }

    // ------------------------------------------------------------------ input

    private FailoverRelationship merge(FailoverRelationship before, Spec in, String name, DhcpServer primary, DhcpServer secondary) {
        boolean kea = primary.type() == ServerType.Kea;
        String f = "dhcpFailoverRelationship.";
        FailoverRelationship.Mode mode = in.failoverMode() == null
                ? (before == null ? FailoverRelationship.Mode.LoadBalance : before.failoverMode())
                : mode(f + "failoverMode", in.failoverMode());
        int percentage = number(f + "percentage", in.percentage(), before == null ? FailoverPeerSpec.DEFAULT_PERCENTAGE : before.percentage(), 0, 100);
        if (kea) {
            refuseIscOnly(f + "mclt", in.mclt());
            refuseIscOnly(f + "maxUnackedUpdates", in.maxUnackedUpdates());
            refuseIscOnly(f + "loadBalanceMaxSeconds", in.loadBalanceMaxSeconds());
            refuseIscOnly(f + "port", in.port());
            refuseIscOnly(f + "peerPort", in.peerPort());
            // Kea has no failover address of its own (the peers' URLs are their Control Agents'): a given one would be lost.
            refuseIscOnly(f + "primaryAddress", in.primaryAddress());
            refuseIscOnly(f + "secondaryAddress", in.secondaryAddress());
        }
        // A Kea pair has none of these: they stay as read from its servers (0) and are never written.
        int mclt = kea ? (before == null ? 0 : before.mclt())
                : number(f + "mclt", in.mclt(), before == null ? FailoverPeerSpec.DEFAULT_MCLT : before.mclt(), 1, 31_536_000);
        int port = kea ? (before == null ? 0 : before.port())
                : number(f + "port", in.port(), before == null ? FailoverPeerSpec.DEFAULT_PORT : before.port(), 1, 65535);
        int peerPort = kea ? (before == null ? 0 : before.peerPort())
                : number(f + "peerPort", in.peerPort(), before == null ? port : before.peerPort(), 1, 65535);
        int lbms = kea ? (before == null ? 0 : before.loadBalanceMaxSeconds())
                : number(f + "loadBalanceMaxSeconds", in.loadBalanceMaxSeconds(),
                        before == null ? FailoverPeerSpec.DEFAULT_LOAD_BALANCE_MAX_SECONDS : before.loadBalanceMaxSeconds(), 0, 65535);
        int mrd = number(f + "maxResponseDelay", in.maxResponseDelay(), before == null
                ? (kea ? KEA_DEFAULT_MAX_RESPONSE_DELAY_MS : FailoverPeerSpec.DEFAULT_MAX_RESPONSE_DELAY) : before.maxResponseDelay(),
                1, kea ? 65_535 : 86_400);
        int muu = kea ? (before == null ? 0 : before.maxUnackedUpdates())
                : number(f + "maxUnackedUpdates", in.maxUnackedUpdates(),
                        before == null ? FailoverPeerSpec.DEFAULT_MAX_UNACKED_UPDATES : before.maxUnackedUpdates(), 1, 65535);
        Integer hd = optional(f + "heartbeatDelay", in.heartbeatDelay(), before == null ? null : before.heartbeatDelay(), 1, 65_535);
        Integer mad = optional(f + "maxAckDelay", in.maxAckDelay(), before == null ? null : before.maxAckDelay(), 1, 65_535);
        Integer muc = optional(f + "maxUnackedClients", in.maxUnackedClients(), before == null ? null : before.maxUnackedClients(), 0, 65_535);
        Boolean af = in.autoFailover() != null ? in.autoFailover() : before == null ? null : before.autoFailover();
        if (!kea && (hd != null || mad != null || muc != null || af != null)) {
            throw UserError.invalid(f + "heartbeatDelay", "heartbeatDelay, maxAckDelay, maxUnackedClients and autoFailover are Kea HA"
                    + " settings; ISC dhcpd failover has no such values");
        }
        return new FailoverRelationship(before == null ? 0 : before.id(), name, primary.id(), secondary.id(), mode, percentage, mclt, port,
                peerPort, lbms, mrd, muu, hd, mad, muc, af,
                before == null ? FailoverRelationship.State.Empty : before.state(), before == null ? List.of() : before.scopeIds());
    }

    private static void refuseIscOnly(String field, Object value) {
        if (value != null) {
            throw UserError.invalid(field, "is an ISC dhcpd failover setting; a Kea HA pair has heartbeatDelay, maxResponseDelay,"
                    + " maxAckDelay, maxUnackedClients and autoFailover, and its peers are reached at their Control Agents' URLs");
        }
    }

    private static PeerAddresses.Pair addresses(Spec in, PeerAddresses.Pair before) {
        String p = in.primaryAddress() != null ? address("dhcpFailoverRelationship.primaryAddress", in.primaryAddress())
                : before == null ? null : before.primary();
        String s = in.secondaryAddress() != null ? address("dhcpFailoverRelationship.secondaryAddress", in.secondaryAddress())
                : before == null ? null : before.secondary();
        return new PeerAddresses.Pair(p, s);
    }

    private static String address(String field, String text) {
        return Ipv4Address.parse(field, text).toString();
    }

    private static FailoverRelationship.Mode mode(String field, String text) {
        for (FailoverRelationship.Mode m : FailoverRelationship.Mode.values()) {
            if (m.name().equals(text)) {
                return m;
            }
        }
        throw UserError.invalid(field, "must be LoadBalance, HotStandby or PassiveBackup, not \"" + text + "\"");
    }

    private static int number(String field, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw UserError.invalid(field, v + " is outside " + min + ".." + max);
        }
        return v;
    }

    private static Integer optional(String field, Integer value, Integer fallback, int min, int max) {
        Integer v = value == null ? fallback : value;
        if (v != null && (v < min || v > max)) {
            throw UserError.invalid(field, v + " is outside " + min + ".." + max);
        }
        return v;
    }

    /** Names go into dhcpd.conf and API paths: letters, digits, '.', '_' and '-' only. */
    static String relationshipName(String field, String name) {
        required(field, name);
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw UserError.invalid(field, "a failover relationship name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    private static String required(String field, String value) {
        if (value == null || value.isBlank()) {
            throw UserError.invalid(field, "is required");
        }
        return value;
    }

    private static List<String> refs(List<String> refs) {
        if (refs == null || refs.isEmpty()) {
            throw UserError.invalid("dhcpScopeRefs", "name at least one scope");
        }
        if (refs.size() > 10_000) {
            throw UserError.invalid("dhcpScopeRefs", "at most 10000 scopes per request");
        }
        return refs;
    }

    private static void requireCidr(String field, DhcpScope scope) {
        if (scope.addresses().prefixLength() < 0) {
            throw UserError.invalid(field, capitalize(scope.describe()) + " is not a whole subnet (CIDR block); DHCP servers serve subnets");
        }
    }

    private static FailoverRelationship withState(FailoverRelationship r, FailoverRelationship.State state, List<Long> scopeIds) {
        return FailoverCache.withState(r, state, scopeIds);
    }

    /** The relationship as the change log records it. */
    static Map<String, Object> snapshot(FailoverRelationship r) {
        return FailoverCache.snapshot(r);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
