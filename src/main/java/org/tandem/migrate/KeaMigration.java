package org.tandem.migrate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.agent.AgentApi;
import org.tandem.agent.AgentClient;
import org.tandem.auth.Actor;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.FailoverService;
import org.tandem.failover.ServerTargets;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.KeaPairPlan;
import org.tandem.kea.KeaPlan;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaReservation;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.kea.ha.KeaHaStatus;
import org.tandem.kea.ha.KeaLease;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/**
 * MigrateDHCPFailoverRelationshipToKea: moves what one dhcpd failover relationship serves to two registered Kea
 * servers, leases and all, as one planned change with a rollback at every step back to the running dhcpd pair.
 *
 * <p>The cut-over never leaves clients without a server: dhcpd failover and Kea HA each carry on with one peer, so the
 * pair is moved one peer at a time.
 * <ol>
 * <li>Both Kea servers get the planned subnets, reservations, options and HA block, merged into their running configs
 *     ({@link KeaConfigDocument#mergeMigrated}); the new subnets are gated by a class no client is in, so Kea answers
 *     nobody for them while dhcpd still serves.</li>
 * <li>The active leases of both dhcpd peers (newest record per address) are loaded into both Kea servers.</li>
 * <li>dhcpd on the secondary stops; the primary's dhcpd, now in communications-interrupted, answers every client.</li>
 * <li>The second Kea server opens its gate and, once back in its HA state, also serves its partner's scope
 *     ({@code ha-scopes}).</li>
 * <li>dhcpd on the primary stops at once; the leases dhcpd granted since the first carry are carried.</li>
 * <li>The first Kea server opens its gate; once it is back in its HA state, its scope is handed back.</li>
 * <li>Verification: every reservation in both configs, every carried lease on both servers, both in their HA state.</li>
 * </ol>
 * A failure undoes the steps done, newest first: dhcpd started again, Kea configs put back, carried leases deleted.
 */
public final class KeaMigration {

    /** The client class that keeps migrated subnets silent until their server takes over. */
    public static final String GATE_CLASS = "TANDEM_MIGRATION_PENDING";

    /**
     * Test-only fault hook: the start of a step's name at which the migration fails, to exercise its rollback; prefixed
     * with {@value #CRASH}, the run stops there without undoing anything, as if Central had been killed.
     */
    public static final String FAIL_AT = "tandem.fault.migrationFailAt";
    public static final String CRASH = "crash:";

    private static final Logger log = LoggerFactory.getLogger(KeaMigration.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int MAX_LEASE_PAGES = 1_000;
    private static final int LEASE_PAGE = 1_000;

    /**
     * @param relationship the ISC relationship's name
     * @param keaServers two Kea servers by ref or name: the first takes the dhcpd primary's place, the second the secondary's
     * @param acceptedLines the dhcpd.conf lines of unexpressed statements the user accepts to lose, each one named
     */
    public record Request(String relationship, List<String> keaServers, Set<Integer> acceptedLines, String saveComment, boolean dryRun) {
        public Request {
            keaServers = keaServers == null ? List.of() : List.copyOf(keaServers);
            acceptedLines = acceptedLines == null ? Set.of() : Set.copyOf(acceptedLines);
        }
    }

    /** What the checks after the cut-over found. */
    public record Verification(int reservations, List<String> missingReservations, int leases, List<String> missingLeases,
                               Map<String, String> haStates) {
        public boolean passed() {
            return missingReservations.isEmpty() && missingLeases.isEmpty();
        }
    }

    /**
     * The plan (a dry run) or what was done: each Kea server's diff, the unexpressed statements, the steps, the lease
     * figures and, after a real run, the verification.
     */
    public record Report(String relationship, String mode, List<String> keaServers, Map<String, String> diffs,
                         List<Unexpressed> unexpressed, Set<Integer> acceptedLines, List<String> steps, int leasesCarried, int leasesCarriedLate,
                         List<LeaseCarry.Skipped> leasesSkipped, List<String> warnings, boolean dryRun, Verification verification) {}

    private final FailoverService failover;
    private final KeaEngine kea;
    private final ChangeLog changeLog;
    private final Clock clock;
    private final Duration haDeadline;
    /** One migration at a time on this node: each stops and starts servers for minutes. */
    private final ReentrantLock running = new ReentrantLock();

    public KeaMigration(FailoverService failover, KeaEngine kea, ChangeLog changeLog, Clock clock, Duration haDeadline) {
        this.failover = Objects.requireNonNull(failover);
        this.kea = Objects.requireNonNull(kea);
        this.changeLog = Objects.requireNonNull(changeLog);
        this.clock = Objects.requireNonNull(clock);
        this.haDeadline = Objects.requireNonNull(haDeadline);
    }

    /** Everything the plan and the cut-over need, read and checked before anything is written. */
    private record Prepared(FailoverRelationship relationship, DhcpServer dhcpdPrimary, DhcpServer dhcpdSecondary,
                            AgentClient agentPrimary, AgentClient agentSecondary, KeaClient first, KeaClient second,
                            KeaMigrationPlan plan, KeaHaConfig ha, KeaPairPlan configure, Map<Ipv4Range, Long> subnetIds,
                            List<KeaSubnet> plannedSubnets, LeaseCarry.Result leases, PoolOwners owners) {}

    public Report migrate(Actor actor, Request request) {
        if (!actor.mayWrite()) {
            throw new UserError(UserError.Kind.PERMISSION_DENIED, null,
                    "User \"" + actor.userName() + "\" is read-only and may not make changes");
        }
        if (!running.tryLock()) {
            throw UserError.conflict("another migration to Kea is running on this Central; wait for it to finish");
        }
        try {
            Prepared p = prepare(request);
            List<String> names = List.of(p.first().server(), p.second().server());
            Map<String, String> diffs = new LinkedHashMap<>();
            diffs.put(p.first().server(), p.configure().primary().diff());
            diffs.put(p.second().server(), p.configure().secondary().diff());
            if (request.dryRun()) {
                return new Report(p.relationship().name(), p.plan().mode().kea(), names, diffs, p.plan().unexpressed(),
                        request.acceptedLines(), plannedSteps(p), p.leases().leases().size(), 0, p.leases().skipped(), List.of(), true, null);
            }
            checkAccepted(p.plan().unexpressed(), request.acceptedLines());
            return cutOver(actor, request, p, names, diffs);
        } finally {
            running.unlock();
        }
    }

    // ---------------------------------------------------------------- plan

    private Prepared prepare(Request request) {
        FailoverRelationship r = failover.get(null, request.relationship());
        DhcpServer primary = failover.server(r.primaryServerId());
        DhcpServer secondary = failover.server(r.secondaryServerId());
        if (primary.type() != ServerType.ISC) {
            throw UserError.invalid("dhcpFailoverRelationshipName", "\"" + r.name() + "\" is a Kea HA relationship already; only a dhcpd "
                    + "failover relationship can be moved to Kea");
        }
        if (request.keaServers().size() != 2) {
            throw UserError.invalid("keaServerRefs", "name exactly two Kea servers: the first replaces dhcpd primary \"" + primary.name()
                    + "\", the second dhcpd secondary \"" + secondary.name() + "\"");
        }
        DhcpServer ka = failover.serverByRef(request.keaServers().get(0));
        DhcpServer kb = failover.serverByRef(request.keaServers().get(1));
        for (DhcpServer k : List.of(ka, kb)) {
            if (k.type() != ServerType.Kea) {
                throw UserError.invalid("keaServerRefs", "\"" + k.name() + "\" is a dhcpd server, not a Kea server");
            }
        }
        if (ka.id() == kb.id()) {
            throw UserError.invalid("keaServerRefs", "the two Kea servers are the same server \"" + ka.name() + "\"");
        }
        AgentClient agentA = ServerTargets.agent(primary);
        AgentClient agentB = ServerTargets.agent(secondary);
        KeaClient a = ServerTargets.keaClient(ka);
        KeaClient b = ServerTargets.keaClient(kb);
        kea.sync(a);
        kea.sync(b);
        KeaTarget ta = new KeaTarget(ka.name(), haUrl(ka, a));
        KeaTarget tb = new KeaTarget(kb.name(), haUrl(kb, b));
        String conf = agentA.readConfig().content();
        String hooksA = kea.hooksDir(a);
        String hooksB = kea.hooksDir(b);
        KeaMigrationPlan planA = DhcpdToKea.plan(conf, r.name(), ta, tb, hooksA);
        // The plan names one hook directory for both documents; only a server whose hooks lie elsewhere needs its own.
        KeaMigrationPlan planB = hooksB.equals(hooksA) ? planA : DhcpdToKea.plan(conf, r.name(), ta, tb, hooksB);
        checkAcceptedLinesExist(planA.unexpressed(), request.acceptedLines());
        KeaConfigDocument docA = document(planA.dhcp4(ka.name()));
        KeaConfigDocument docB = document(planB.dhcp4(kb.name()));
        Map<Ipv4Range, Long> ids = new LinkedHashMap<>();
        docA.subnets().forEach(s -> ids.put(s.subnet(), s.id()));
        LeaseCarry.Result leases = LeaseCarry.merge(agentA.leases().leases(), agentB.leases().leases(), ids, clock.instant());
        KeaHaConfig ha = docA.ha().orElseThrow();
        PoolOwners poolOwners = new PoolOwners(ha);
        poolOwners.add(leases.leases());
        Map<Ipv4Address, String> owners = poolOwners.map();
        KeaPlan pa = kea.plan(a, (server, doc) -> {
            doc.mergeMigrated(docA, GATE_CLASS);
            doc.assignPoolAddresses(owners);
        });
        KeaPlan pb = kea.plan(b, (server, doc) -> {
            doc.mergeMigrated(docB, GATE_CLASS);
            doc.assignPoolAddresses(owners);
        });
        kea.check(pa);
        kea.check(pb);
        return new Prepared(r, primary, secondary, agentA, agentB, a, b, planA, ha, new KeaPairPlan(pa, pb, false), ids, docA.subnets(),
                leases, poolOwners);
    }

    private static KeaConfigDocument document(String dhcp4) {
        return KeaConfig.fromJson(dhcp4.getBytes(StandardCharsets.UTF_8), Instant.EPOCH).edit();
    }

    /**
     * The URL the partner reaches this Kea server at: the one its HA config already gives it, else its registered
     * Control Agent address (a server reached through Tandem's agent has no such address Central knows).
     */
    private URI haUrl(DhcpServer server, KeaClient client) {
        // Tandem names HA peers by server name, so an HA block already on the server lists this one by its name.
        return kea.lastSynced(client).ha().stream().flatMap(h -> h.peers().stream()).filter(peer -> peer.name().equals(server.name()))
                .map(KeaHaConfig.Peer::url).findFirst().orElseGet(() -> {
            if (server.agentToken() != null) {
                throw UserError.invalid("keaServerRefs", "Kea server \"" + server.name() + "\" is reached through Tandem's agent, so Central "
                        + "does not know its Control Agent's URL for the HA peers; put it in an HA block on the server first");
            }
            return ServerTargets.url(server);
        });
    }

    /**
     * Refuses while any unexpressed statement is not accepted by its line, and accepted lines that name nothing. A dry run
     * checks only the latter: it is where the user learns which lines there are.
     */
    static void checkAccepted(List<Unexpressed> unexpressed, Set<Integer> accepted) {
        checkAcceptedLinesExist(unexpressed, accepted);
        List<String> open = new ArrayList<>();
        for (Unexpressed u : unexpressed) {
            if (!accepted.contains(u.line())) {
                open.add("line " + u.line() + ": " + u.statement() + " (" + u.reason() + ")");
            }
        }
        if (!open.isEmpty()) {
            throw UserError.invalid("acceptUnexpressedLines", open.size() + " statement(s) of dhcpd.conf have no Kea translation; accept each "
                    + "by its line to migrate without it, or change dhcpd.conf first: " + String.join("; ", open));
        }
    }

    private static void checkAcceptedLinesExist(List<Unexpressed> unexpressed, Set<Integer> accepted) {
        Set<Integer> lines = new TreeSet<>();
        unexpressed.forEach(u -> lines.add(u.line()));
        Set<Integer> unknown = new TreeSet<>(accepted);
        unknown.removeAll(lines);
        if (!unknown.isEmpty()) {
            throw UserError.invalid("acceptUnexpressedLines", "no unexpressed statement starts on line(s) " + unknown
                    + "; the dry run lists the lines to accept");
        }
    }

    private static List<String> plannedSteps(Prepared p) {
        String a = p.first().server();
        String b = p.second().server();
        return List.of(
                "configure " + b + " then " + a + ": " + p.subnetIds().size() + " subnet(s) gated by " + GATE_CLASS + ", HA "
                        + p.plan().mode().kea() + "; wait for both to reach their HA state",
                "load " + p.leases().leases().size() + " lease(s) into " + a + " and " + b,
                "stop dhcpd on " + p.dhcpdSecondary().name() + " (dhcpd on " + p.dhcpdPrimary().name() + " answers every client)",
                "open the gate on " + b + "; once in its HA state it also serves " + a + "'s scope",
                "stop dhcpd on " + p.dhcpdPrimary().name() + " at once; carry the leases dhcpd granted since the first carry",
                "open the gate on " + a + "; once in its HA state, hand its scope back",
                "verify reservations, leases and HA state on both Kea servers");
    }

    // ---------------------------------------------------------------- cut-over

    /** One done step's undo, newest first on failure. */
    private record Undo(String what, Runnable action) {}

    private Report cutOver(Actor actor, Request request, Prepared p, List<String> names, Map<String, String> diffs) {
        KeaClient a = p.first();
        KeaClient b = p.second();
        KeaHaActions ha = kea.actions();
        List<String> steps = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Deque<Undo> undo = new ArrayDeque<>();
        Map<Ipv4Address, LeaseCarry.Carried> loaded = new HashMap<>();
        PoolOwners owners = p.owners();
        int late = 0;
        List<String> ownB = List.of();
        String step = "configure the Kea servers";
        try {
            at(step);
            KeaConfig baseA = kea.lastSynced(a);
            KeaConfig baseB = kea.lastSynced(b);
            undo.push(new Undo("put back the configs of " + a.server() + " and " + b.server(), () -> {
                restore(b, baseB);
                restore(a, baseA);
            }));
            applyChanged(p.configure(), steps);
            awaitNormal(b);
            awaitNormal(a);
            steps.add("both Kea servers in their HA state");

            step = "load the leases";
            at(step);
            undo.push(new Undo("delete the carried leases", () -> deleteLeases(List.of(a, b), loaded)));
            carry(List.of(a, b), p.leases().leases(), loaded);
            steps.add("loaded " + p.leases().leases().size() + " lease(s) into both Kea servers");

            step = "stop dhcpd on " + p.dhcpdSecondary().name();
            at(step);
            undo.push(new Undo("start dhcpd on " + p.dhcpdSecondary().name(), () -> p.agentSecondary().startDhcpd()));
            p.agentSecondary().stopDhcpd();
            steps.add("stopped dhcpd on " + p.dhcpdSecondary().name());

            step = "open the gate on " + b.server();
            at(step);
            KeaConfig gatedB = kea.lastSynced(b);
            undo.push(new Undo("close the gate on " + b.server() + " and free its DHCP socket", () -> release(b, gatedB)));
            // Until the first server opens too, the second is the only Kea that hands out addresses here: whole pools let it
            // renew whatever dhcpd granted meanwhile, whichever half Kea's hash puts the client in.
            Set<Ipv4Range> migrated = p.subnetIds().keySet();
            applyChanged(kea.plan(b, (server, doc) -> {
                doc.openMigrationGate(GATE_CLASS);
                doc.unsplitPools(migrated::contains);
            }), steps);
            awaitNormal(b);
            // Its own scopes by its role, not as it serves now: a run interrupted earlier may have left it serving both.
            List<String> own = defaultScopes(p.ha(), b.server());
            ownB = own;
            List<String> all = servingScopes(kea.lastSynced(b).ha().orElseThrow());
            ha.scopes(b, all);
            undo.push(new Undo("ha-scopes " + own + " on " + b.server(), () -> ha.scopes(b, own)));
            steps.add("opened the gate on " + b.server() + "; it serves " + all);

            step = "stop dhcpd on " + p.dhcpdPrimary().name();
            at(step);
            // At once: from here both dhcpd and the second Kea server answer, and a client offered two addresses may
            // take either. The leases dhcpd granted since the first carry follow right after.
            undo.push(new Undo("start dhcpd on " + p.dhcpdPrimary().name(), () -> p.agentPrimary().startDhcpd()));
            p.agentPrimary().stopDhcpd();
            steps.add("stopped dhcpd on " + p.dhcpdPrimary().name());
            step = "carry the leases dhcpd granted during the cut-over";
            at(step);
            late = carryNew(p, loaded);
            steps.add("carried " + late + " lease(s) granted during the cut-over");

            step = "open the gate on " + a.server();
            at(step);
            KeaConfig gatedA = kea.lastSynced(a);
            undo.push(new Undo("close the gate on " + a.server() + " and free its DHCP socket", () -> release(a, gatedA)));
            owners.add(loaded.values());
            owners.addLeasesOf(ha, b, p.subnetIds().keySet());
            Map<Ipv4Address, String> ownersA = owners.map();
            applyChanged(kea.plan(a, (server, doc) -> {
                doc.openMigrationGate(GATE_CLASS);
                doc.assignPoolAddresses(ownersA);
            }), steps);
            awaitNormal(a);
            steps.add("opened the gate on " + a.server());
        } catch (RuntimeException e) {
            List<String> undone = rollBack(undo, warnings);
            String cause = e instanceof UserError u ? u.getMessage() : "an internal error (see Central's log)";
            log.warn("migration of {} to Kea failed at '{}'", p.relationship().name(), step, e);
            throw new UserError(e instanceof UserError u ? u.kind() : UserError.Kind.SERVER_REFUSED, null,
                    "the migration of \"" + p.relationship().name() + "\" stopped at \"" + step + "\": " + cause
                            + "; undone: " + (undone.isEmpty() ? "nothing" : String.join(", ", undone))
                            + (warnings.isEmpty() ? "" : "; NOT undone: " + String.join("; ", warnings)));
        }
        handBack(b, ownB, warnings, steps);
        alignPools(p, owners, warnings, steps);
        Verification v = verify(p, unexpired(loaded));
        if (!v.passed()) {
            warnings.add("verification found " + v.missingReservations().size() + " missing reservation(s) and " + v.missingLeases().size()
                    + " missing lease(s); dhcpd stays stopped, Kea serves: see the lists in this report");
        }
        warnings.add("dhcpd on " + p.dhcpdPrimary().name() + " and " + p.dhcpdSecondary().name() + " is stopped but still enabled at boot: "
                + "disable its service on both hosts, or it starts beside Kea after a reboot");
        record(actor, request, p, steps);
        return new Report(p.relationship().name(), p.plan().mode().kea(), names, diffs, p.plan().unexpressed(), request.acceptedLines(), steps,
                p.leases().leases().size(), late, p.leases().skipped(), warnings, false, v);
    }

    /**
     * Logs the step a migration is at (its progress, in Central's log) and, for the rollback tests only, fails there when
     * the system property {@value #FAIL_AT} names the step's start; inert otherwise.
     */
    private static void at(String step) {
        log.info("migration to Kea: {}", step);
        String fail = System.getProperty(FAIL_AT);
        if (fail != null && fail.startsWith(CRASH) && step.startsWith(fail.substring(CRASH.length()))) {
            throw new SimulatedCrash(step);
        }
        if (fail != null && !fail.isEmpty() && step.startsWith(fail)) {
            throw new UserError(UserError.Kind.SERVER_REFUSED, null, "a fault injected by a test");
        }
    }

    /** Test-only: Central "dies" at a step, leaving the servers as they are (no undo runs), as a SIGKILL would. */
    static final class SimulatedCrash extends Error {
        SimulatedCrash(String step) {
            super("simulated crash of Central before \"" + step + "\"");
        }
    }

    /**
     * Writes a plan only when it changes something: every config-set restarts HA on that server, and a server a resumed
     * migration finds already done may be the only one answering clients.
     */
    private void applyChanged(KeaPlan plan, List<String> steps) {
        if (!plan.changesNothing()) {
            kea.apply(plan).steps().forEach(steps::add);
        }
    }

    private void applyChanged(KeaPairPlan plan, List<String> steps) {
        if (plan.primary().changesNothing()) {
            applyChanged(plan.secondary(), steps);
        } else if (plan.secondary().changesNothing()) {
            applyChanged(plan.primary(), steps);
        } else {
            kea.apply(plan).steps().forEach(steps::add);
        }
    }

    private void awaitNormal(KeaClient server) {
        kea.actions().await(server, "its HA state", KeaHaStatus::isNormal, haDeadline, POLL);
    }

    /** The scopes the pair serves between them: every peer that is not a standby or backup. */
    private static List<String> servingScopes(KeaHaConfig ha) {
        List<String> out = new ArrayList<>();
        for (KeaHaConfig.Peer peer : ha.peers()) {
            if (peer.role() == KeaHaConfig.Role.PRIMARY || peer.role() == KeaHaConfig.Role.SECONDARY) {
                out.add(peer.name());
            }
        }
        return out;
    }

    /** The scopes Kea gives {@code server} in its normal state: its own name as primary or secondary, none as standby. */
    private static List<String> defaultScopes(KeaHaConfig ha, String server) {
        return ha.peers().stream().filter(peer -> peer.name().equals(server))
                .filter(peer -> peer.role() == KeaHaConfig.Role.PRIMARY || peer.role() == KeaHaConfig.Role.SECONDARY)
                .map(KeaHaConfig.Peer::name).toList();
    }

    /** Gives {@code b} back only its own scopes, as long as it is still in the state they were given in. */
    private void handBack(KeaClient b, List<String> own, List<String> warnings, List<String> steps) {
        try {
            if (kea.actions().status(b).isNormal()) {
                kea.actions().scopes(b, own);
                steps.add("ha-scopes " + own + " on " + b.server());
            }
        } catch (UserError e) {
            warnings.add("could not hand the scopes back on " + b.server() + " (" + e.getMessage() + "); it serves both until its next HA "
                    + "state change, which is harmless");
        }
    }

    /**
     * Gives both servers the same pools again, split into halves with every held address in its client's half: the second
     * server's pools are whole since it opened, and it handed out addresses alone meanwhile. A scope-only change, so the
     * engine writes it without a gap (the partner serves a server's scope while its HA restarts).
     */
    private void alignPools(Prepared p, PoolOwners owners, List<String> warnings, List<String> steps) {
        if (p.ha().mode() != KeaHaConfig.Mode.LOAD_BALANCING) {
            return;
        }
        try {
            owners.addLeasesOf(kea.actions(), p.second(), p.subnetIds().keySet());
            Map<Ipv4Address, String> held = owners.map();
            Set<Ipv4Range> migrated = p.subnetIds().keySet();
            KeaPairPlan plan = kea.planPair(p.first(), p.second(), (server, doc) -> {
                doc.unsplitPools(migrated::contains);
                doc.splitPoolsForLoadBalancing(owners.primaryName(), owners.secondaryName(), migrated::contains);
                doc.assignPoolAddresses(held);
            });
            if (plan.primary().changesNothing() && plan.secondary().changesNothing()) {
                return;
            }
            kea.apply(plan).steps().forEach(steps::add);
            steps.add("split the pools of both Kea servers again, each held address in its client's half");
        } catch (UserError e) {
            warnings.add("the pools of the migrated subnets could not be split again (" + e.getMessage() + "): " + p.second().server()
                    + " still has them whole, so both servers may hand out the same free address: split them into one pool per "
                    + "server (client-class HA_<server>) before new clients arrive");
        }
    }

    private List<String> rollBack(Deque<Undo> undo, List<String> warnings) {
        List<String> done = new ArrayList<>();
        while (!undo.isEmpty()) {
            Undo u = undo.pop();
            try {
                u.action().run();
                done.add(u.what());
            } catch (RuntimeException e) {
                warnings.add(u.what() + " (" + (e instanceof UserError ue ? ue.getMessage() : "internal error") + ")");
                log.warn("migration rollback step '{}' failed", u.what(), e);
            }
        }
        return done;
    }

    /**
     * Puts {@code server} back on its gated config listening on no interface: a Kea on dhcpd's host holds UDP port 67
     * once its gate opened, and dhcpd cannot start again beside it. The config it had before the migration (with its
     * interfaces) comes back with the first undo step; on dhcpd's host that Kea then finds the port taken, as it did
     * before the migration, and serves nothing there.
     */
    private void release(KeaClient server, KeaConfig gated) {
        ObjectNode doc = gated.edit().toKeaArguments().deepCopy();
        ((ObjectNode) doc.path("Dhcp4")).withObject("interfaces-config").putArray("interfaces");
        kea.configSet(server, doc);
    }

    private void restore(KeaClient server, KeaConfig config) {
        kea.configSet(server, config.edit().toKeaArguments());
        server.call("config-write", null);
        kea.sync(server);
    }

    // ---------------------------------------------------------------- leases

    /**
     * Carries {@code leases} to each server, except where the server already holds a lease for the address at least as
     * recent (by cltt): Kea may have renewed or handed out the address itself since dhcpd wrote its record (while both
     * answered, or when a migration interrupted earlier is run again), and the newer binding wins, as between dhcpd peers.
     */
    private void carry(List<KeaClient> servers, List<LeaseCarry.Carried> leases, Map<Ipv4Address, LeaseCarry.Carried> loaded) {
        for (KeaClient s : servers) {
            Map<Ipv4Address, Long> held = new HashMap<>();
            for (KeaLease l : kea.actions().allLeases(s, LEASE_PAGE, MAX_LEASE_PAGES)) {
                held.put(l.ipAddress(), l.cltt());
            }
            int n = 0;
            for (LeaseCarry.Carried l : leases) {
                Long theirs = held.get(l.address());
                if (theirs == null || theirs < l.expire() - l.validLifetime()) {
                    s.ok("lease4-update", l.toLease4Update(), false);
                }
                if (++n % 500 == 0) {
                    log.info("carried {} of {} leases to {}", n, leases.size(), s.server());
                }
            }
        }
        leases.forEach(l -> loaded.put(l.address(), l));
    }

    /** Re-reads both dhcpd leases files and carries what is new or changed since the last carry; returns how many. */
    private int carryNew(Prepared p, Map<Ipv4Address, LeaseCarry.Carried> loaded) {
        LeaseCarry.Result now = LeaseCarry.merge(p.agentPrimary().leases().leases(), p.agentSecondary().leases().leases(), p.subnetIds(),
                clock.instant());
        List<LeaseCarry.Carried> fresh = LeaseCarry.delta(List.copyOf(loaded.values()), now.leases());
        carry(List.of(p.first(), p.second()), fresh, loaded);
        return fresh.size();
    }

    private static void deleteLeases(List<KeaClient> servers, Map<Ipv4Address, LeaseCarry.Carried> loaded) {
        for (Ipv4Address address : loaded.keySet()) {
            ObjectNode args = KeaClient.mapper().createObjectNode().put("ip-address", address.toString());
            for (KeaClient s : servers) {
                s.ok("lease4-del", args, true);
            }
        }
    }

    // ---------------------------------------------------------------- verify and record

    /**
     * The carried addresses whose lease has not ended by now: Kea reclaims a lease that ends during the migration (a
     * dhcpd lease given for the MCLT only lasts about a minute), exactly as dhcpd would have, so it is not missing.
     */
    private Set<String> unexpired(Map<Ipv4Address, LeaseCarry.Carried> loaded) {
        long now = clock.instant().getEpochSecond();
        Set<String> out = new TreeSet<>();
        loaded.forEach((address, lease) -> {
            if (lease.expire() > now) {
                out.add(address.toString());
            }
        });
        return out;
    }

    private Verification verify(Prepared p, Set<String> carried) {
        List<String> missingRes = new ArrayList<>();
        List<String> missingLeases = new ArrayList<>();
        Map<String, String> states = new LinkedHashMap<>();
        int reservations = 0;
        for (KeaClient k : List.of(p.first(), p.second())) {
            KeaConfigDocument live = kea.sync(k).edit();
            for (KeaSubnet planned : p.plannedSubnets()) {
                List<KeaReservation> have = live.subnet(planned.subnet()).map(KeaSubnet::reservations).orElse(List.of());
                for (KeaReservation r : planned.reservations()) {
                    reservations++;
                    if (have.stream().noneMatch(x -> Objects.equals(x.identifier(), r.identifier()) && Objects.equals(x.ipAddress(), r.ipAddress()))) {
                        missingRes.add(k.server() + ": " + r.identifier() + " → " + r.ipAddress() + " in " + planned.subnet());
                    }
                }
            }
            Set<String> present = new HashSet<>();
            for (KeaLease l : kea.actions().allLeases(k, LEASE_PAGE, MAX_LEASE_PAGES)) {
                present.add(l.ipAddress().toString());
            }
            for (String address : carried) {
                if (!present.contains(address)) {
                    missingLeases.add(k.server() + ": " + address);
                }
            }
            KeaHaStatus s = kea.actions().status(k);
            states.put(k.server(), s.localState());
        }
        return new Verification(reservations, missingRes, carried.size(), missingLeases, states);
    }

    private void record(Actor actor, Request request, Prepared p, List<String> steps) {
        Map<String, Object> before = new LinkedHashMap<>();
        before.put("name", p.relationship().name());
        before.put("servedBy", List.of(p.dhcpdPrimary().name(), p.dhcpdSecondary().name()));
        Map<String, Object> after = new LinkedHashMap<>(before);
        after.put("servedBy", List.of(p.first().server(), p.second().server()));
        after.put("haMode", p.plan().mode().kea());
        after.put("steps", steps);
        after.put("acceptedUnexpressedLines", new TreeSet<>(request.acceptedLines()));
        changeLog.write(actor, request.saveComment(), rec -> {
            rec.modified(FailoverRelationship.OBJ_TYPE, p.relationship().ref(), before, after);
            return null;
        });
    }

}
