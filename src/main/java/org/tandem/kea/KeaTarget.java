package org.tandem.kea;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.agent.AgentClient;
import org.tandem.change.LiveConfig;
import org.tandem.change.Parallel;
import org.tandem.change.ServerTarget;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.client.KeaResponse;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.kea.config.KeaConfigPatch;
import org.tandem.kea.config.KeaHaConfig;
import org.tandem.kea.config.KeaInheritance;
import org.tandem.kea.ha.KeaHaStatus;

/**
 * A Kea 2.2 DHCPv4 server as the change engine drives it, through its Control Agent: config-get,
 * config-test (after Tandem's own rules), config-set plus config-write, and health through status-get.
 *
 * <p>One change path: Central writes Kea and dhcpd servers alike through
 * {@link org.tandem.change.ChangeEngine} with this adapter, so a Kea change gets the same journal,
 * conflict check, rollback and crash recovery as a dhcpd one. {@link KeaEngine} still plans (its
 * {@code plan...} methods give each server's new config) and checks; its own
 * {@code apply(KeaPairPlan)} stays for the engine's standalone use and tests, and Central does not call
 * it. The part of it that keeps a pair serving moved here with the same rule: when a config-set leaves
 * the HA block as it is and both peers are in their normal state, the partner takes over this server's
 * HA scopes with {@code ha-scopes} before the config-set (which restarts HA here) and hands them back
 * once this server is normal again; see {@link KeaEngine#apply(KeaPairPlan)} for why this beats
 * ha-maintenance. The change engine orders the servers (secondary or standby first).
 *
 * <p>Hashes: a config's fingerprint is the SHA-256 of its canonical compact JSON ({@link KeaConfig#hash()}),
 * so key order and whitespace do not count. Verifying a write costs no config-get: Kea applies a config-set
 * whole or not at all, so its success answer says the server runs what was set, and within the change {@link #read()}
 * gives that. Guarding the next write costs none either while the server shows no commit since ({@link KeaCommitStamp}:
 * status-get and statistic-get, asked right after the config-set and again before the next write); otherwise the guard
 * is a config-get.
 * config-get also returns defaults Kea filled in (e.g. in a new subnet), so the text set and that read differ; the
 * engine accepts the read as that text when it reports everything the text set ({@link KeaEngine#wrote}), and from then
 * on {@link #hashOf} of the text is the hash the server reports. When it does not, someone changed the server in
 * between: the next change is refused before it writes anything, and Central's scope writes plan it again on what the
 * server runs. A Central restarted between config-set and the end of the change loses what it set; its recovery pass
 * then sees the server running neither text and leaves it to a person.
 */
public final class KeaTarget implements ServerTarget {

    private static final Logger log = LoggerFactory.getLogger(KeaTarget.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final KeaClient client;
    private final KeaEngine engine;
    private final Supplier<Optional<KeaClient>> partner;
    private final Clock clock;
    /** Recent reads by canonical hash, and text → canonical hash (configs of MBs; a change uses few). */
    private final Map<String, KeaConfig> configs = lru();
    private final Map<String, String> hashes = lru();
    /** The planned texts the engine hands to validate and then apply, each parsed once. */
    private final Map<String, Planned> documents = lru();
    /** The documents to send (by the read they were unpinned against and the planned text): config-test, then config-set. */
    private final Map<String, KeaConfigDocument> sendable = lru();
    /** Set between apply and awaitHealthy when the partner holds this server's scopes. */
    private Handover handover;
    /** The config read last (the engine reads just before it applies); saves a config-get of thousands of subnets. */
    private volatile KeaConfig lastRead;
    /** The config-write that follows a config-set, running while the engine verifies the server. */
    private volatile Parallel.Pending<KeaResponse> writing;
    /** The text this server runs since this target's last config-set (Kea answered it), until the change ends. */
    private volatile String applied;
    /** The HA block of the config applied last, for awaitHealthy. */
    private Optional<KeaHaConfig> appliedHa = Optional.empty();

    /** A planned text parsed: its config (bytes, canonical hash) and its document. */
    private record Planned(KeaConfig config, KeaConfigDocument doc) {}

    private record Handover(KeaClient partner, List<String> mine, List<String> partnerScopes) {}

    /** @param partner this server's HA partner when it is a registered Kea server, for the hand-over */
    public KeaTarget(KeaClient client, KeaEngine engine, Supplier<Optional<KeaClient>> partner, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.engine = Objects.requireNonNull(engine, "engine");
        this.partner = Objects.requireNonNull(partner, "partner");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return client.server();
    }

    /** A config-get, except after this target's config-set, which Kea answered with success: then what it set. */
    @Override
    public LiveConfig read() {
        String set = applied;
        return set != null ? LiveConfig.hashOnly(hashOf(set)) : live(engine.read(client));
    }

    /** The planner's config-get of this server when it is at most {@code maxAge} old (it syncs through the same engine). */
    @Override
    public LiveConfig recentRead(Duration maxAge) {
        Optional<KeaConfig> recent = engine.syncedWithin(client, maxAge);
        return recent.isPresent() ? live(recent.get()) : read();
    }

    /**
     * Only the hash counts for the engine; the text of thousands of subnets is printed when someone needs it. A config
     * Tandem set that the planner took as it was set goes by the hash the server reported for it, as {@link #hashOf} does.
     */
    private LiveConfig live(KeaConfig config) {
        lastRead = config;
        LiveConfig live = LiveConfig.hashOnly(engine.reportedAs(config.hash()));
        configs.put(live.sha256(), config);
        return live;
    }

    @Override
    public String hashOf(String config) {
        return engine.reportedAs(canonicalOf(config));
    }

    private String canonicalOf(String config) {
        return hashes.computeIfAbsent(config, text -> engine.printedAs(client, text).orElseGet(() -> canonicalHash(text)));
    }

    /**
     * A read that returned a config Tandem set before any config-get confirmed it carries the set text's canonical hash;
     * once a read (the sync job's, at any moment) confirms it, {@link #hashOf} answers the hash Kea reports for it. So
     * both sides are compared as they stand now, through {@link KeaEngine#sameConfig}.
     */
    @Override
    public boolean runs(LiveConfig live, String config) {
        return engine.sameConfig(live.sha256(), canonicalOf(config));
    }

    private static String canonicalHash(String config) {
        try {
            return KeaConfig.fromJson(config.getBytes(StandardCharsets.UTF_8), Instant.EPOCH).hash();
        } catch (IllegalArgumentException e) {
            throw UserError.invalid("config", e.getMessage());
        }
    }

    @Override
    public void validate(String newConfig) {
        engine.check(new KeaPlan(client, (name, d) -> { }, null, toSend(newConfig), ""));
    }

    /**
     * The planned text as Kea gets it: the values its subnets and shared networks only inherit left out again, so
     * that they keep following the global ones ({@link KeaInheritance}).
     */
    private KeaConfigDocument toSend(String newConfig) {
        KeaConfig read = planBase();
        return sendable.computeIfAbsent(read.hash() + "\n" + newConfig,
                k -> KeaInheritance.unpinned(document(newConfig).doc(), read.edit()));
    }

    /** The config the plan was made on: the engine's read of this server, or (while validating) the planner's. */
    private KeaConfig planBase() {
        KeaConfig read = lastRead;
        return read != null ? read : engine.lastSynced(client);
    }

    @Override
    public void apply(String newConfig, String expectedSha256) {
        finishWrite();
        Planned planned = document(newConfig);
        appliedHa = planned.doc().ha();
        applied = null;
        handover = startHandover(planned.doc());
        try {
            // No config-get: config-set's success is Kea's word that it runs the config (it applies all or none). Its
            // commit stamp, asked at once, lets the next change skip the config-get while the server shows no commit
            // since; the engine's next config-get compares what Kea reports with the config set (KeaEngine#wrote).
            if (client.endpoint() instanceof KeaEndpoint.Agent agent) {
                applyThroughAgent(agent, newConfig, expectedSha256);
                // The agent rewrote the file Kea reloaded: what Kea made of it is read now.
                engine.wrote(client, planned.config(), planBase(), Optional.empty());
                engine.read(client);
            } else {
                engine.configSet(client, toSend(newConfig).toKeaArguments());
                Optional<KeaCommitStamp> stamp = stampAfterSet();
                // Kea writes its file while the engine's verification goes on (awaitHealthy waits for it).
                writing = Parallel.start(() -> client.call("config-write", null));
                engine.wrote(client, planned.config(), planBase(), stamp);
            }
            applied = newConfig;
        } catch (RuntimeException e) {
            handBack();
            throw e;
        }
    }

    /**
     * The commit stamp right after this target's config-set, before anything else reaches Kea (it runs one command at a
     * time). The change is live whatever this answers, so a failure only costs the next change a config-get.
     */
    private Optional<KeaCommitStamp> stampAfterSet() {
        try {
            return engine.stamp(client);
        } catch (RuntimeException e) {
            log.info("Kea server {} gave no commit stamp after config-set ({}); its next read is a config-get", name(), e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Through the Tandem agent next to Kea: only what differs between the config read last and the new one goes to
     * the agent, as a {@link KeaConfigPatch}, which it applies to Kea's config file in place (comments, includes and
     * inherited values stay), checks and loads with config-reload. config-write would pin every value Kea derived.
     */
    private void applyThroughAgent(KeaEndpoint.Agent agent, String newConfig, String expectedSha256) {
        KeaConfig read = configs.get(expectedSha256);
        String before = (read != null ? read : engine.read(client)).toPrettyString();
        KeaConfigPatch patch = KeaConfigPatch.between(before, newConfig);
        if (patch.isEmpty()) {
            return;
        }
        Duration timeout = agent.timeout().compareTo(AgentClient.DEFAULT_REQUEST_TIMEOUT) > 0 ? agent.timeout() : AgentClient.DEFAULT_REQUEST_TIMEOUT;
        engine.writing(client);
        new AgentClient(agent.url(), agent.token(), timeout).patchKeaConfig(expectedSha256, patch.toJson(), false);
    }

    /**
     * Waits for the config-write sent after the last config-set. A failed one is not a reason to roll back: the change
     * is live, only a restart of Kea would lose it, so it is logged.
     */
    private void finishWrite() {
        Parallel.Pending<KeaResponse> w = writing;
        writing = null;
        if (w == null) {
            return;
        }
        String why;
        try {
            KeaResponse r = w.get();
            why = r.isSuccess() ? null : r.text();
        } catch (RuntimeException e) {
            why = e.getMessage();
        }
        if (why != null) {
            log.warn("config-write failed on Kea server {} ({}): its config file keeps the old configuration", name(), why);
        }
    }

    @Override
    public void awaitHealthy(Instant deadline) {
        try {
            finishWrite();
            Optional<KeaHaConfig> ha = appliedHa;
            if (ha.isEmpty()) {
                // Not in HA: it answered the config-set just now, and there is no state to come back to.
                return;
            }
            Optional<KeaClient> other = partner.get();
            // The partner runs HA in the same mode (status-get is cheap; config-get of thousands of subnets is not).
            boolean pairAgrees = ha.isPresent() && other.isPresent() && partnerMode(other.get()).equals(ha.get().mode().kea());
            if (!pairAgrees) {
                // Alone, or the partner does not have the same HA block yet (HA being created, changed or
                // removed one server at a time): answering is all this server can do now.
                await(deadline, "answering again", s -> true);
                return;
            }
            List<String> mine = handover == null ? List.of() : handover.mine();
            await(deadline, "its normal HA state" + (mine.isEmpty() ? "" : " serving " + mine),
                    s -> s.isNormal() && s.localScopes().containsAll(mine));
        } finally {
            handBack();
        }
    }

    /**
     * Gives this server's scopes to its partner when the config-set keeps the HA block and the pair is
     * healthy; returns what to hand back, or null when no hand-over is needed or possible.
     */
    private Handover startHandover(KeaConfigDocument next) {
        Optional<KeaClient> other = partner.get();
        Optional<KeaHaConfig> newHa = next.ha();
        if (other.isEmpty() || newHa.isEmpty() || newHa.get().mode() == KeaHaConfig.Mode.PASSIVE_BACKUP) {
            return null;
        }
        Optional<KeaHaConfig> oldHa = planBase().ha();
        if (oldHa.isEmpty() || !oldHa.get().asSeenBy("_").equals(newHa.get().asSeenBy("_"))) {
            return null;
        }
        KeaHaStatus mine = engine.actions().status(client);
        KeaHaStatus theirs = engine.actions().status(other.get());
        if (!mine.isNormal() || !theirs.isNormal() || mine.localScopes().isEmpty()) {
            return null;
        }
        List<String> both = new ArrayList<>(theirs.localScopes());
        mine.localScopes().stream().filter(s -> !both.contains(s)).forEach(both::add);
        engine.actions().scopes(other.get(), both);
        log.info("Kea server {} serves {} while {} restarts HA", other.get().server(), both, name());
        return new Handover(other.get(), mine.localScopes(), theirs.localScopes());
    }

    private String partnerMode(KeaClient other) {
        try {
            String mode = engine.actions().status(other).mode();
            return mode == null ? "" : mode;
        } catch (UserError e) {
            return "";
        }
    }

    private void handBack() {
        Handover h = handover;
        handover = null;
        if (h == null) {
            return;
        }
        try {
            // A state change of the partner resets its scopes itself; only hand back from the state we gave them in.
            if (engine.actions().status(h.partner()).isNormal()) {
                engine.actions().scopes(h.partner(), h.partnerScopes());
            }
        } catch (RuntimeException e) {
            log.warn("could not hand HA scopes back to Kea server {}: {}", h.partner().server(), e.toString());
        }
    }

    private void await(Instant deadline, String what, java.util.function.Predicate<KeaHaStatus> condition) {
        String last = "not answering";
        while (true) {
            try {
                KeaHaStatus s = engine.actions().status(client);
                if (condition.test(s)) {
                    return;
                }
                last = "it is " + s.localState() + (s.remote() == null ? "" : " and sees its partner " + s.remote().lastState());
            } catch (UserError e) {
                last = e.getMessage();
            }
            if (clock.instant().isAfter(deadline)) {
                throw UserError.unreachable("Kea server \"" + name() + "\" did not reach " + what + " in time: " + last, null);
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw UserError.unreachable("interrupted while waiting for Kea server \"" + name() + "\"", e);
            }
        }
    }

    private static <V> Map<String, V> lru() {
        // Synchronized: the engine's verification read runs beside awaitHealthy.
        return java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(8, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > 4;
            }
        });
    }

    /** A planned text as a document (only read, never edited), parsed once per text; its canonical hash learnt on the way. */
    private Planned document(String text) {
        return documents.computeIfAbsent(text, t -> {
            try {
                KeaConfig parsed = KeaConfig.fromJson(t.getBytes(StandardCharsets.UTF_8), clock.instant());
                hashes.put(t, parsed.hash());
                return new Planned(parsed, parsed.edit());
            } catch (IllegalArgumentException e) {
                throw UserError.invalid("config", "not a Kea DHCPv4 configuration: " + e.getMessage());
            }
        });
    }
}
