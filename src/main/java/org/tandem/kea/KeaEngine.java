package org.tandem.kea;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.change.ChangeEngine;
import org.tandem.change.Parallel;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaProtocolError;
import org.tandem.kea.client.KeaResponse;
import org.tandem.kea.client.KeaVersion;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaInheritance;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.kea.ha.KeaHaStatus;
import org.tandem.kea.hooks.KeaHookLocator;
import org.tandem.net.Ipv4Range;

/**
 * Tandem's Kea engine: syncs servers' configs without loss, plans changes (new config and diff, nothing written),
 * checks them (own rules, then Kea's config-test), and applies them, to a HA pair in an order that keeps DHCP served.
 * It also creates, modifies, detects and removes HA relationships. Kea 2.2 has no subnet_cmds, so every change is a
 * full config-set built from the server's own config plus exactly the change.
 */
public final class KeaEngine {

    private static final Logger log = LoggerFactory.getLogger(KeaEngine.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final int MAX_ALIASES = 1_000;
    /** Reads again after a config-get that crossed Tandem's own config-set, before its answer is given up. */
    private static final int MAX_REREADS = 3;

    private final KeaConfigStore store;
    private final Clock clock;
    private final KeaHookLocator hooks;
    private final KeaHaActions actions;
    /** Per server, the config Tandem set last that no config-get has confirmed yet. */
    private final Map<String, Written> unconfirmed = new ConcurrentHashMap<>();
    /** Per server, the config it ran at its last known commit stamp (a config-get's, or Tandem's own config-set's). */
    private final Map<String, Known> known = new ConcurrentHashMap<>();
    /** Per server, Tandem's config-sets counted, to recognise a config-get that crossed one ({@link #fetchAndConfirm}). */
    private final Map<String, Writes> writes = new ConcurrentHashMap<>();
    /** Canonical hash of a config Tandem set → the hash the server reported for it (a few per write; the oldest go). */
    private final Map<String, String> aliases = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_ALIASES;
        }
    });

    /** @param keaHooksLocation the administrator's hook directory preference for every server, or null */
    public KeaEngine(KeaConfigStore store, Clock clock, Path keaHooksLocation) {
        this(store, clock, new KeaHookLocator(keaHooksLocation));
    }

    /** With the hook directory preferred for each server (its own setting, else Central's). */
    public static KeaEngine withHookPreferences(KeaConfigStore store, Clock clock, KeaHookLocator.Preferences hookPreferences) {
        return new KeaEngine(store, clock, new KeaHookLocator(hookPreferences));
    }

    private KeaEngine(KeaConfigStore store, Clock clock, KeaHookLocator hooks) {
        this.store = Objects.requireNonNull(store);
        this.clock = Objects.requireNonNull(clock);
        this.hooks = hooks;
        this.actions = new KeaHaActions(clock);
    }

    public KeaHaActions actions() {
        return actions;
    }

    // ------------------------------------------------------------------ sync

    /** Reads the server's running config ({@code config-get}) into the store and returns it. */
    public KeaConfig sync(KeaClient server) {
        server.forgetVersion(); // a sync notices an upgraded Kea; writes in between use the version it learnt
        server.version();
        long writes = writesTo(server).count();
        return fetchAndConfirm(server, stamp(server), writes, 0);
    }

    /**
     * The server's running config, kept as the last synced one: what the change engine reads to guard a write, without
     * asking the version again. Its commit stamp comes first ({@link #stamp}): when it shows the commit of the config
     * read or set last ({@link KeaCommitStamp}), the server still runs that config and the config-get of thousands of
     * subnets is skipped. Otherwise a config-get. The first config-get after Tandem set a config ({@link #wrote})
     * decides whether the server still runs it: Kea reports what was set plus the defaults it filled in, so when the
     * read is the set config as Kea reports it ({@link KeaConfig#reports}), its hash becomes the one the set text is
     * known by ({@link #reportedAs}); otherwise someone changed the server in between and the conflict checks say so.
     */
    public KeaConfig read(KeaClient server) {
        return read(server, 0);
    }

    private KeaConfig read(KeaClient server, int rereads) {
        long writes = writesTo(server).count();
        Optional<KeaCommitStamp> now = stamp(server);
        Known last = known.get(server.server());
        if (last != null && now.isPresent() && last.stamp().sameCommit(now.get())) {
            return last.config();
        }
        return fetchAndConfirm(server, now, writes, rereads);
    }

    /**
     * The server's commit stamp (status-get and statistic-get, sent together), or empty when it gives none. Taken
     * before a config-get, so that the config is at least as new as the stamp; after Tandem's own config-set, right
     * after it.
     */
    public Optional<KeaCommitStamp> stamp(KeaClient server) {
        JsonNode statistic = KeaClient.mapper().createObjectNode().put("name", KeaCommitStamp.COMMIT_STATISTIC);
        Parallel.Pair<KeaResponse, KeaResponse> r = Parallel.both(() -> server.call("status-get", null),
                () -> server.call("statistic-get", statistic));
        if (!r.first().isSuccess()) {
            return Optional.empty();
        }
        return KeaCommitStamp.of(r.first().arguments(), r.second().isSuccess() ? r.second().arguments() : null, System.nanoTime());
    }

    /**
     * A config-get, confirming or not the config Tandem set last, remembered with the stamp taken just before it.
     * {@code writesBefore}: Tandem's config-sets to the server counted before that stamp. When one began or ended while
     * the config-get was under way (a read that does not wait for the change's lock: the web UI's configuration editor,
     * another change's planning read), Kea may have answered it before that config-set:
     * the answer then counts only if it shows the config set; otherwise it is dropped and the server read again (a few
     * times at most), so an answer older than Tandem's own write is neither stored nor taken for an edit made elsewhere.
     */
    private KeaConfig fetchAndConfirm(KeaClient server, Optional<KeaCommitStamp> stampBefore, long writesBefore, int rereads) {
        KeaConfig config = fetch(server);
        Writes writes = writesTo(server);
        synchronized (writes) {
            Written set = unconfirmed.get(server.server());
            boolean showsSet = set != null && config.reports(set.config(), set.plannedOn());
            boolean overlapped = writes.count() != writesBefore;
            if (!overlapped || showsSet) {
                if (set != null) {
                    unconfirmed.remove(server.server());
                    if (showsSet) {
                        aliases.put(set.config().hash(), config.hash());
                    } else {
                        log.info("Kea server {} runs another configuration than the one Tandem set last: changed outside Tandem", server.server());
                    }
                }
                // The stamp taken before a config-get that overlapped a write may be older than the config it got.
                remember(server, overlapped ? Optional.empty() : stampBefore, config);
                store.saveSynced(server.server(), config);
                return config;
            }
        }
        if (rereads < MAX_REREADS) {
            log.debug("Kea server {}: a config-get crossed Tandem's own config-set; reading it again", server.server());
            return read(server, rereads + 1);
        }
        log.info("Kea server {}: {} config-gets in a row crossed Tandem's own config-sets; the stored config stands", server.server(), rereads + 1);
        return store.lastSynced(server.server()).orElse(config);
    }

    /** Tandem's config-sets to one server, begun or ended; its monitor orders them against the reads' bookkeeping. */
    private static final class Writes {
        private long count;

        synchronized long count() {
            return count;
        }

        synchronized void next() {
            count++;
        }
    }

    private Writes writesTo(KeaClient server) {
        return writes.computeIfAbsent(server.server(), k -> new Writes());
    }

    /**
     * Tells the engine that Tandem is about to set a config on {@code server} (config-set, or the agent's reload): a read
     * under way now may be answered before or after it ({@link #fetchAndConfirm}). {@link #wrote} follows on success.
     */
    public void writing(KeaClient server) {
        writesTo(server).next();
    }

    /** Tandem's config-set on {@code server}, counted first ({@link #writing}): every config-set Tandem sends goes through here. */
    public void configSet(KeaClient server, JsonNode arguments) {
        writing(server);
        server.ok("config-set", arguments, false);
    }

    /** A server with a configuration backend is always read: Kea may merge the database's config in without a commit. */
    private void remember(KeaClient server, Optional<KeaCommitStamp> stamp, KeaConfig config) {
        if (stamp.isPresent() && !config.hasConfigBackend()) {
            known.put(server.server(), new Known(stamp.get(), config));
        } else {
            known.remove(server.server());
        }
    }

    /**
     * Records that {@code server} accepted {@code config}, planned on {@code plannedOn}, with config-set, and showed
     * {@code stampAfter} right after it (empty when the set's commit is not known, e.g. through the Tandem agent): Tandem
     * plans the next change on it, and the next config-get of the server confirms it ({@link #read}). Saves a
     * config-get of thousands of subnets per write. Writes that follow each other with no config-get in between are
     * confirmed as one, against the config Kea reported before the first of them.
     */
    public void wrote(KeaClient server, KeaConfig config, KeaConfig plannedOn, Optional<KeaCommitStamp> stampAfter) {
        KeaConfig now = config.at(clock.instant());
        Writes writes = writesTo(server);
        synchronized (writes) {
            writes.next();
            Written before = unconfirmed.get(server.server());
            KeaConfig reported = before != null && before.config().hash().equals(plannedOn.hash()) ? before.plannedOn()
                    : asReported(server, plannedOn);
            store.saveSynced(server.server(), now);
            unconfirmed.put(server.server(), new Written(now, reported));
            remember(server, stampAfter, now);
        }
    }

    /**
     * {@code plannedOn} as Kea reported it: when it is a config Tandem set that a config-get has confirmed since (the
     * sync job's, while this change planned on the set text), the config that read stored; otherwise itself.
     */
    private KeaConfig asReported(KeaClient server, KeaConfig plannedOn) {
        String reportedHash = aliases.get(plannedOn.hash());
        return reportedHash == null ? plannedOn
                : store.lastSynced(server.server()).filter(c -> c.hash().equals(reportedHash)).orElse(plannedOn);
    }

    /** The config a server ran when it showed a commit stamp. */
    private record Known(KeaCommitStamp stamp, KeaConfig config) {}

    /** A config Tandem set and the one it was planned on. */
    private record Written(KeaConfig config, KeaConfig plannedOn) {}

    /** The hash a server reports for a config Tandem set whose canonical hash is {@code setHash} (itself until a read confirmed it). */
    public String reportedAs(String setHash) {
        return aliases.getOrDefault(setHash, setHash);
    }

    /**
     * Whether two hashes stand for the same config: equal, or one the canonical hash of a config Tandem set and the other
     * the hash Kea reported for it. The alias is in place before the read that learnt it returns its config.
     */
    public boolean sameConfig(String hash, String other) {
        return hash.equals(other) || reportedAs(hash).equals(reportedAs(other));
    }

    /** The canonical hash of the config last synced from {@code server} when {@code text} is its pretty text (printed already). */
    public Optional<String> printedAs(KeaClient server, String text) {
        return store.lastSynced(server.server()).filter(c -> c.isPrintedAs(text)).map(KeaConfig::hash);
    }

    private KeaConfig fetch(KeaClient server) {
        KeaClient.Streamed<KeaConfig> s = server.call("config-get", null, p -> KeaConfig.fromKea(p, clock.instant()));
        s.envelope().requireSuccess(false);
        if (s.value() == null) {
            throw KeaProtocolError.of(server.server(), "config-get", "the answer has no configuration");
        }
        return s.value();
    }

    /** Makes the server re-read its config file (for administrators who edited it by hand), then syncs. */
    public KeaConfig reload(KeaClient server) {
        writing(server);
        server.ok("config-reload", null, false);
        return sync(server);
    }

    /**
     * The config synced at most {@code maxAge} ago, if any: the planner's read, which the change
     * engine's first conflict check may take instead of a config-get of its own.
     */
    public Optional<KeaConfig> syncedWithin(KeaClient server, Duration maxAge) {
        return store.lastSynced(server.server()).filter(c -> !c.syncedAt().plus(maxAge).isBefore(clock.instant()));
    }

    /**
     * The config to plan a change on: the one synced or set at most {@link ChangeEngine#RECENT_READ}
     * ago (the last change's, the sync job's, the planner's of a moment before), else what the server runs now
     * ({@link #read}: a config-get only when it committed a config since Central last read or set one). Planning on a
     * read that old is safe for changes the {@link ChangeEngine} applies: its fresh read of each server before writing
     * it refuses a plan made on a configuration the server no longer runs. What it saves is a config-get of thousands
     * of subnets per server when changes follow each other. Scope writes plan on {@link #lastSynced} of any age instead,
     * and plan again when the change engine finds that the server changed since.
     */
    public KeaConfig forPlanning(KeaClient server) {
        return syncedWithin(server, ChangeEngine.RECENT_READ).orElseGet(() -> read(server));
    }

    /** The config last synced, syncing first if there is none. */
    public KeaConfig lastSynced(KeaClient server) {
        return store.lastSynced(server.server()).orElseGet(() -> sync(server));
    }

    /**
     * Whether the server's in-memory config differs from what we last synced. Kea 2.4+ answers config-hash-get; Kea
     * 2.2 has none, so we fetch config-get and compare our own canonical hash.
     */
    public boolean changedOutside(KeaClient server) {
        Optional<KeaConfig> last = store.lastSynced(server.server());
        if (last.isEmpty()) {
            return true;
        }
        KeaVersion v = server.version();
        if (v.hasConfigHashGet() && last.get().keaHash() != null) {
            KeaResponse r = server.ok("config-hash-get", null, false);
            return !last.get().keaHash().equals(r.requireArgumentsObject().path("hash").asText());
        }
        return !fetch(server).hash().equals(last.get().hash());
    }

    // ------------------------------------------------------------------ plan and check

    /** Where {@code server} has libdhcp_ha.so and libdhcp_lease_cmds.so; a user error naming the places looked in when nowhere. */
    public String hooksDir(KeaClient server) {
        return hooks.locate(server, lastSynced(server));
    }

    /** Plans {@code edit} on the last synced config of {@code server}; writes nothing. */
    public KeaPlan plan(KeaClient server, KeaEdit edit) {
        return plan(server, edit, lastSynced(server));
    }

    private KeaPlan plan(KeaClient server, KeaEdit edit, KeaConfig base) {
        KeaConfigDocument doc = base.edit();
        edit.apply(server.server(), doc);
        return new KeaPlan(server, edit, base, doc, diff(base.toPrettyString(), doc.toPrettyString(), server.server()));
    }

    /** Plans the same edit on both peers of a pair (HA scope changes must be identical on both). */
    public KeaPairPlan planPair(KeaClient primary, KeaClient secondary, KeaEdit edit) {
        return new KeaPairPlan(plan(primary, edit), plan(secondary, edit), true);
    }

    static String diff(String before, String after, String name) {
        if (before.equals(after)) {
            return "";
        }
        List<String> a = before.lines().toList();
        List<String> b = after.lines().toList();
        Patch<String> patch = DiffUtils.diff(a, b);
        return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(name + " (running)", name + " (planned)", a, patch, 3));
    }

    /** The subnet id to give a new scope on a pair: one past the largest id on either server. */
    public long nextSubnetId(KeaClient... servers) {
        long max = 0;
        for (KeaClient s : servers) {
            for (long id : lastSynced(s).subnetIds()) {
                max = Math.max(max, id);
            }
        }
        return max + 1;
    }

    /** Our own rules, then the server's {@code config-test}. Throws a user error naming the server and the problem. */
    public void check(KeaPlan plan) {
        checkRules(plan);
        plan.server().ok("config-test", plan.newConfig().toKeaArguments(), false);
    }

    private static void checkRules(KeaPlan plan) {
        String name = plan.server().server();
        plan.newConfig().checkRules(name);
        Optional<KeaHaConfig> ha = plan.newConfig().ha();
        if (ha.isPresent()) {
            checkHa(name, ha.get(), plan.server().version());
        }
    }

    /**
     * The pair's and each plan's own rules, without asking the servers: for a plan the change engine
     * applies, whose check asks each server's config-test anyway (a config-test of thousands of
     * subnets takes about a second; asking twice doubles it).
     */
    public void checkRules(KeaPairPlan plan) {
        checkPairRules(plan);
        checkRules(plan.primary());
        checkRules(plan.secondary());
    }

    /** Each plan's checks plus the pair's: identical subnets (ids, prefixes, pools) and HA blocks that agree. */
    public void check(KeaPairPlan plan) {
        checkPairRules(plan);
        check(plan.primary());
        check(plan.secondary());
    }

    private static void checkPairRules(KeaPairPlan plan) {
        KeaConfigDocument a = plan.primary().newConfig();
        KeaConfigDocument b = plan.secondary().newConfig();
        String na = plan.primary().server().server();
        String nb = plan.secondary().server().server();
        Optional<KeaHaConfig> ha = a.ha();
        Optional<KeaHaConfig> hb = b.ha();
        if (ha.isPresent() != hb.isPresent()) {
            throw UserError.conflict("Only one of the Kea servers \"" + na + "\" and \"" + nb + "\" would have HA configured");
        }
        if (ha.isEmpty()) {
            return;
        }
        KeaHaConfig x = ha.get();
        KeaHaConfig y = hb.get();
        if (!x.asSeenBy("_").equals(y.asSeenBy("_"))) {
            throw UserError.conflict("The HA blocks of \"" + na + "\" and \"" + nb + "\" disagree (mode, peers, URLs, roles or delays): "
                    + x + " vs " + y);
        }
        if (x.thisServerName().equals(y.thisServerName())) {
            throw UserError.conflict("Both Kea servers would call themselves \"" + x.thisServerName() + "\" in their HA blocks");
        }
        if (x.mode() != KeaHaConfig.Mode.PASSIVE_BACKUP) {
            List<String> sa = subnetSignature(a);
            List<String> sb = subnetSignature(b);
            if (!sa.equals(sb)) {
                List<String> onlyA = new ArrayList<>(sa);
                onlyA.removeAll(sb);
                List<String> onlyB = new ArrayList<>(sb);
                onlyB.removeAll(sa);
                throw UserError.conflict("The HA peers \"" + na + "\" and \"" + nb + "\" would not have identical scopes (subnet ids, pools): only on "
                        + na + ": " + onlyA + "; only on " + nb + ": " + onlyB);
            }
        }
    }

    private static List<String> subnetSignature(KeaConfigDocument d) {
        List<String> out = new ArrayList<>();
        for (KeaSubnet s : d.subnets()) {
            out.add("id " + s.id() + " " + s.subnet() + " pools " + s.pools().stream()
                    .map(p -> p.range() + (p.clientClass() == null ? "" : "/" + p.clientClass())).sorted().toList());
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    static void checkHa(String server, KeaHaConfig ha, KeaVersion version) {
        int limit = version.atLeast(2, 3) ? Integer.MAX_VALUE : KeaHaConfig.KEA22_MAX_DELAY_MS;
        checkDelay("heartbeat-delay", ha.heartbeatDelayMs(), limit, version);
        checkDelay("max-response-delay", ha.maxResponseDelayMs(), limit, version);
        checkDelay("max-ack-delay", ha.maxAckDelayMs(), limit, version);
        if (ha.maxResponseDelayMs() <= ha.heartbeatDelayMs()) {
            throw UserError.invalid("maxResponseDelay", "max-response-delay (" + ha.maxResponseDelayMs()
                    + " ms) must be above heartbeat-delay (" + ha.heartbeatDelayMs() + " ms), or peers declare each other down between heartbeats");
        }
        if (ha.maxUnackedClients() < 0) {
            throw UserError.invalid("maxUnackedClients", "must be 0 or more");
        }
        if (ha.peer(ha.thisServerName()).isEmpty()) {
            throw UserError.invalid("peers", "Kea server \"" + server + "\": this-server-name \"" + ha.thisServerName() + "\" is not among the peers");
        }
        long primaries = ha.peers().stream().filter(p -> p.role() == KeaHaConfig.Role.PRIMARY).count();
        long secondaries = ha.peers().stream().filter(p -> p.role() == KeaHaConfig.Role.SECONDARY).count();
        long standbys = ha.peers().stream().filter(p -> p.role() == KeaHaConfig.Role.STANDBY).count();
        boolean ok = switch (ha.mode()) {
            case LOAD_BALANCING -> primaries == 1 && secondaries == 1 && standbys == 0;
            case HOT_STANDBY -> primaries == 1 && standbys == 1 && secondaries == 0;
            case PASSIVE_BACKUP -> primaries == 1 && secondaries == 0 && standbys == 0;
        };
        if (!ok) {
            throw UserError.invalid("peers", "the roles " + ha.peers().stream().map(p -> p.name() + "=" + p.role().kea()).toList()
                    + " do not fit " + ha.mode().kea());
        }
        for (KeaHaConfig.Peer p : ha.peers()) {
            checkPeerUrl(p.url());
        }
    }

    private static void checkDelay(String field, int value, int limit, KeaVersion v) {
        if (value < 1 || value > limit) {
            throw UserError.invalid(field, value + " ms is outside 1.." + limit + " ms (Kea " + v + " keeps it as a 16-bit number)");
        }
    }

    private static void checkPeerUrl(URI url) {
        if (url == null || url.getHost() == null || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
            throw UserError.invalid("peers.url", "\"" + url + "\" is not an http(s) URL");
        }
        String host = url.getHost().startsWith("[") ? url.getHost().substring(1, url.getHost().length() - 1) : url.getHost();
        // Kea 2.2 rejects host names in peer URLs; only literal addresses work.
        if (!host.matches("[0-9.]+") && !host.contains(":")) {
            throw UserError.invalid("peers.url", "\"" + url + "\" must use an IP address; Kea 2.2 rejects host names in HA peer URLs");
        }
        try {
            InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw UserError.invalid("peers.url", "\"" + url + "\" does not hold a valid IP address");
        }
        if (url.getPort() < 1) {
            throw UserError.invalid("peers.url", "\"" + url + "\" needs an explicit port (the Control Agent's, 8000 by default)");
        }
    }

    // ------------------------------------------------------------------ apply

    /**
     * The conflict check before a write: if the server's config changed outside Tandem, re-sync and re-plan the
     * same edit on what the server has now (an edit that conflicts with the external change is refused there).
     */
    private KeaPlan fresh(KeaPlan plan) {
        KeaClient server = plan.server();
        KeaVersion v = server.version();
        if (v.hasConfigHashGet() && plan.base().keaHash() != null) {
            KeaResponse r = server.ok("config-hash-get", null, false);
            if (plan.base().keaHash().equals(r.requireArgumentsObject().path("hash").asText())) {
                return plan;
            }
        }
        KeaConfig live = fetch(server);
        if (live.hash().equals(plan.base().hash())) {
            return plan;
        }
        log.info("Kea server {} changed outside Tandem; re-synced before writing", server.server());
        store.saveSynced(server.server(), live);
        return plan(server, plan.edit(), live);
    }

    /** Applies one server's plan: conflict check, checks, config-set, config-write, re-sync. */
    public KeaApplyReport apply(KeaPlan plan) {
        List<String> steps = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        KeaPlan p = fresh(plan);
        check(p);
        write(p, steps, warnings);
        return new KeaApplyReport(steps, warnings);
    }

    private void write(KeaPlan p, List<String> steps, List<String> warnings) {
        String name = p.server().server();
        KeaConfigDocument send = p.base() == null ? p.newConfig() : KeaInheritance.unpinned(p.newConfig(), p.base().edit());
        configSet(p.server(), send.toKeaArguments());
        steps.add("config-set on " + name);
        KeaResponse w = p.server().call("config-write", null);
        if (w.isSuccess()) {
            steps.add("config-write on " + name);
        } else {
            warnings.add("config-write failed on Kea server \"" + name + "\" (" + w.text() + "): the change is live but its config file"
                    + " was not updated, so a restart of Kea would undo it; make the file writable for Kea and apply again");
        }
        sync(p.server());
    }

    /**
     * Applies a pair plan. Conflict checks and all checks run for both servers before anything is written.
     *
     * <p>Every config-set restarts HA on that server: it drops to waiting with DHCP off and comes back after a sync and
     * a heartbeat or two (about 10 s on a hot-standby primary with default timers). So a scope change on a healthy pair
     * is written one server at a time, secondary/standby first, and while a server that serves clients restarts, its
     * partner takes over its scope with {@code ha-scopes} (kept until we hand it back, as long as the partner's own
     * state does not change). Once the restarted server is back in its normal state we hand the scope back. A
     * hot-standby standby serves nothing, so it is simply written first. ha-maintenance-start/cancel would also
     * cover the restart, but cancelling returns the restarted server to "ready", which serves nothing until its next
     * heartbeat; the ha-scopes hand-over has no such gap (the two servers briefly both serve the scope instead, for
     * at most one poll interval, with lease updates flowing between them).
     *
     * <p>HA creation, modification and removal are written secondary first, then primary, without hand-over.
     */
    public KeaApplyReport apply(KeaPairPlan plan) {
        KeaPairPlan p = new KeaPairPlan(fresh(plan.primary()), fresh(plan.secondary()), plan.scopeChangeOnly());
        check(p);
        List<String> steps = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        KeaClient a = p.primary().server();
        KeaClient b = p.secondary().server();
        Optional<KeaHaConfig> ha = p.primary().newConfig().ha();
        boolean hitless = p.scopeChangeOnly() && ha.isPresent() && ha.get().mode() != KeaHaConfig.Mode.PASSIVE_BACKUP
                && actions.status(a).isNormal() && actions.status(b).isNormal();
        if (!hitless) {
            write(p.secondary(), steps, warnings);
            try {
                write(p.primary(), steps, warnings);
            } catch (UserError e) {
                rollBack(p.secondary(), steps, warnings);
                throw e;
            }
            return new KeaApplyReport(steps, warnings);
        }
        Duration wait = Duration.ofMillis(Math.max(30_000, 10L * ha.get().maxResponseDelayMs()));
        for (KeaPlan x : List.of(p.secondary(), p.primary())) {
            if (x.changesNothing()) {
                continue;
            }
            KeaClient server = x.server();
            KeaClient partner = server == a ? b : a;
            KeaHaStatus mine = actions.status(server);
            if (mine.localScopes().isEmpty()) {
                write(x, steps, warnings);
                actions.await(server, "its normal HA state", KeaHaStatus::isNormal, wait, POLL);
                continue;
            }
            List<String> partnerScopes = actions.status(partner).localScopes();
            List<String> both = new ArrayList<>(partnerScopes);
            mine.localScopes().stream().filter(s -> !both.contains(s)).forEach(both::add);
            actions.scopes(partner, both);
            steps.add("ha-scopes " + both + " on " + partner.server());
            try {
                try {
                    write(x, steps, warnings);
                } catch (UserError e) {
                    if (x == p.primary()) {
                        rollBack(p.secondary(), steps, warnings);
                    }
                    throw e;
                }
                actions.await(server, "its normal HA state serving " + mine.localScopes(),
                        s -> s.isNormal() && s.localScopes().containsAll(mine.localScopes()), wait, POLL);
            } finally {
                KeaHaStatus now = actions.status(partner);
                // Only hand back if the partner is still in the state we gave the scopes in; a state change resets them.
                if (now.isNormal()) {
                    actions.scopes(partner, partnerScopes);
                    steps.add("ha-scopes " + partnerScopes + " on " + partner.server());
                }
            }
        }
        return new KeaApplyReport(steps, warnings);
    }

    /**
     * Puts a server back on the config its plan started from, after its partner's write failed, so the pair does not
     * stay half-changed. A failed rollback is reported, not thrown over the original error.
     */
    private void rollBack(KeaPlan written, List<String> steps, List<String> warnings) {
        String name = written.server().server();
        try {
            configSet(written.server(), written.base().edit().toKeaArguments());
            written.server().call("config-write", null);
            steps.add("rolled back " + name);
            sync(written.server());
        } catch (UserError e) {
            warnings.add("Kea server \"" + name + "\" could not be rolled back after its partner refused the change: " + e.getMessage());
            log.warn("rollback of Kea server {} failed", name, e);
        }
    }

    // ------------------------------------------------------------------ HA relationships

    /**
     * Plans a new HA relationship: hooks located on each server (a clear error naming the server and the places
     * looked in when missing, before anything is written), the HA block on both, the primary's scopes copied to the
     * secondary with the same ids (except in passive-backup), and in load-balancing the pools split by HA_ classes.
     * HA peer names are the servers' names.
     */
    public KeaPairPlan planCreateHa(KeaClient primary, KeaClient secondary, KeaHaSpec spec) {
        KeaConfig pc = lastSynced(primary);
        KeaConfig sc = lastSynced(secondary);
        if (pc.ha().isPresent() || sc.ha().isPresent()) {
            throw UserError.conflict("Kea server \"" + (pc.ha().isPresent() ? primary.server() : secondary.server())
                    + "\" is already in a HA relationship; Kea 2.2 allows one per server");
        }
        String dirA = hooks.locate(primary, pc);
        String dirB = hooks.locate(secondary, sc);
        KeaHaConfig block = haBlock(primary, secondary, spec);
        KeaEdit onPrimary = (name, doc) -> {
            doc.setHa(block.asSeenBy(primary.server()), dirA);
            if (spec.mode() == KeaHaConfig.Mode.LOAD_BALANCING) {
                doc.splitPoolsForLoadBalancing(primary.server(), secondary.server());
            }
        };
        KeaPlan a = plan(primary, onPrimary, pc);
        KeaEdit onSecondary = (name, doc) -> {
            doc.setHa(block.asSeenBy(secondary.server()), dirB);
            if (spec.mode() != KeaHaConfig.Mode.PASSIVE_BACKUP) {
                mirrorSubnets(doc, a.newConfig());
            }
        };
        return new KeaPairPlan(a, plan(secondary, onSecondary, sc), false);
    }

    /**
     * Plans new HA settings (mode, delays, auto-failover) for an existing relationship. Everything else is the servers':
     * the peers' names (which the pools' HA classes and {@code this-server-name} use) and URLs stay as configured.
     */
    public KeaPairPlan planModifyHa(KeaClient primary, KeaClient secondary, KeaHaSpec spec) {
        KeaConfig pc = lastSynced(primary);
        KeaConfig sc = lastSynced(secondary);
        if (pc.ha().isEmpty() || sc.ha().isEmpty()) {
            throw UserError.notFound("HA relationship", primary.server() + "/" + secondary.server());
        }
        KeaHaConfig now = pc.ha().get();
        String primaryName = now.thisServerName();
        String secondaryName = sc.ha().get().thisServerName();
        KeaHaConfig.Role second = secondRole(spec.mode());
        List<KeaHaConfig.Peer> peers = now.peers().stream().map(p -> new KeaHaConfig.Peer(p.name(), p.url(),
                p.name().equals(primaryName) ? KeaHaConfig.Role.PRIMARY : p.name().equals(secondaryName) ? second : p.role(),
                spec.autoFailover())).toList();
        KeaHaConfig block = new KeaHaConfig(primaryName, spec.mode(), spec.heartbeatDelayMs(), spec.maxResponseDelayMs(),
                spec.maxAckDelayMs(), spec.maxUnackedClients(), peers);
        boolean wasLb = now.mode() == KeaHaConfig.Mode.LOAD_BALANCING;
        String dirA = hooks.locate(primary, pc);
        String dirB = hooks.locate(secondary, sc);
        KeaEdit edit = (name, doc) -> {
            boolean onPrimary = name.equals(primary.server());
            doc.setHa(block.asSeenBy(onPrimary ? primaryName : secondaryName), onPrimary ? dirA : dirB);
            if (spec.mode() == KeaHaConfig.Mode.LOAD_BALANCING && !wasLb) {
                doc.splitPoolsForLoadBalancing(primaryName, secondaryName);
            } else if (spec.mode() != KeaHaConfig.Mode.LOAD_BALANCING && wasLb) {
                doc.unsplitPools();
            }
        };
        return new KeaPairPlan(plan(primary, edit, pc), plan(secondary, edit, sc), false);
    }

    /**
     * Plans removing the relationship: HA unloaded on both, load-balancing classes dropped from pools, and the
     * secondary's scopes that the primary also has left (NONE), kept without pools (DISABLE) or deleted (DELETE).
     */
    public KeaPairPlan planRemoveHa(KeaClient primary, KeaClient secondary, Deconfigure action) {
        KeaConfig pc = lastSynced(primary);
        KeaConfig sc = lastSynced(secondary);
        List<Ipv4Range> shared = new ArrayList<>();
        List<KeaSubnet> primarySubnets = pc.subnets();
        for (KeaSubnet s : sc.subnets()) {
            if (primarySubnets.stream().anyMatch(ps -> ps.subnet().equals(s.subnet()))) {
                shared.add(s.subnet());
            }
        }
        KeaEdit common = (name, doc) -> {
            doc.removeHa();
            doc.unsplitPools();
        };
        KeaEdit onSecondary = (name, doc) -> {
            common.apply(name, doc);
            for (Ipv4Range r : shared) {
                switch (action) {
                    case NONE -> { }
                    case DISABLE -> doc.disableSubnet(r);
                    case DELETE -> doc.removeSubnet(r);
                }
            }
        };
        return new KeaPairPlan(plan(primary, common, pc), plan(secondary, onSecondary, sc), false);
    }

    private static KeaHaConfig haBlock(KeaClient primary, KeaClient secondary, KeaHaSpec spec) {
        URI pu = spec.primaryUrl() != null ? spec.primaryUrl() : urlOf(primary);
        URI su = spec.secondaryUrl() != null ? spec.secondaryUrl() : urlOf(secondary);
        KeaHaConfig.Role second = secondRole(spec.mode());
        return new KeaHaConfig(primary.server(), spec.mode(), spec.heartbeatDelayMs(), spec.maxResponseDelayMs(),
                spec.maxAckDelayMs(), spec.maxUnackedClients(), List.of(
                        new KeaHaConfig.Peer(primary.server(), pu, KeaHaConfig.Role.PRIMARY, spec.autoFailover()),
                        new KeaHaConfig.Peer(secondary.server(), su, second, spec.autoFailover())));
    }

    /** The second peer's role in each mode. */
    private static KeaHaConfig.Role secondRole(KeaHaConfig.Mode mode) {
        return switch (mode) {
            case LOAD_BALANCING -> KeaHaConfig.Role.SECONDARY;
            case HOT_STANDBY -> KeaHaConfig.Role.STANDBY;
            case PASSIVE_BACKUP -> KeaHaConfig.Role.BACKUP;
        };
    }

    private static URI urlOf(KeaClient c) {
        return switch (c.endpoint()) {
            case org.tandem.kea.client.KeaEndpoint.ControlAgent ca -> ca.url();
            case org.tandem.kea.client.KeaEndpoint.DaemonHttp d -> d.url();
            case org.tandem.kea.client.KeaEndpoint.UnixSocket u -> throw UserError.invalid("peerUrl",
                    "Kea server \"" + c.server() + "\" is reached over a unix socket; give the URL its HA partner should use");
            case org.tandem.kea.client.KeaEndpoint.Agent a -> throw UserError.invalid("peerUrl", "Kea server \"" + c.server()
                    + "\" is reached through the Tandem agent; give the URL of its Kea Control Agent, which its HA partner should use");
        };
    }

    /**
     * Makes the secondary's subnets equal to the primary's: a subnet with the same id keeps its own keys and takes the
     * primary's pools; any other is copied whole from the primary. The secondary's own extra scopes are refused.
     */
    private static void mirrorSubnets(KeaConfigDocument doc, KeaConfigDocument primary) {
        List<KeaSubnet> primarySubnets = primary.subnets();
        for (KeaSubnet mine : doc.subnets()) {
            if (primarySubnets.stream().noneMatch(p -> p.subnet().equals(mine.subnet()))) {
                throw UserError.conflict("The scope " + mine.subnet() + " exists only on the secondary; add it to the primary or remove it first");
            }
        }
        for (KeaSubnet p : primarySubnets) {
            Optional<KeaSubnet> mine = doc.subnet(p.subnet());
            if (mine.isPresent() && mine.get().id() == p.id()) {
                doc.copyPools(primary, p.subnet());
            } else {
                doc.copySubnet(primary, p.subnet());
            }
        }
    }
}
