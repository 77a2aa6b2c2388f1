package org.tandem.change;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.common.UserError;
import org.tandem.sync.JobLock;

/**
 * Applies a planned change to DHCP servers safely: checks everything first, applies one server at a
 * time in the plan's order with a verification after each, and gives every server it touched its
 * old configuration back when any step fails. The journal lets {@link ChangeRecovery} undo a change
 * whose Central died in the middle.
 *
 * <p>The steps, for every call to {@link #apply}:
 * <ol>
 *   <li>lock each server of the plan (refused if another change to it is running on any node, or an
 *       interrupted change to it still awaits recovery);</li>
 *   <li>our rule checks, then for every server at once a conflict check (its live config hash must be
 *       the hash of the config the plan was made on) and its own validator ({@code dhcpd -t},
 *       {@code config-test}); a dry run stops here with the diffs;</li>
 *   <li>journal the plan, then per server: prepare (the hook that keeps DHCP served), re-check the
 *       live hash (except on the first server, see below), apply, await healthy while reading what it
 *       runs, journal each step;</li>
 *   <li>commit the journal entry, record the change, close the entry.</li>
 * </ol>
 * Servers whose new config equals their old one are checked but never restarted. "Verified" means
 * the server is healthy again and reports the configuration just applied (by its hash).
 *
 * <p>Which read guards each write. The first server to be written is read afresh during the checks, at the same
 * time as the servers validate the plan, and that read guards its write: between the two come only the end of the
 * validation, the journal entry and the prepare hook, the same gap a person has between reading a config and
 * setting an edited one (and for dhcpd the agent's write is conditional on that hash besides). Every later server is
 * read again just before it is written, because the servers before it take their time to restart; at the checks
 * it may give a read up to {@link #RECENT_READ} old instead ({@link ServerTarget#recentRead}): the planner's
 * own, so a fresh one there could only catch an edit made in those seconds, and it writes nothing either way. An
 * edit made in those seconds on a server written later is so caught at its write, after the servers before it were
 * written: they are then rolled back, as on any failure there. The checks run on all servers at once: each only
 * reads or asks a validator, so their order changes nothing, and failures are reported as if they had run in the
 * plan's order, a conflict before a validator's refusal.
 *
 * <p>A Java {@link Error} is not handled: it stands for the process dying, which the journal and
 * {@link ChangeRecovery} deal with (the tests simulate a killed Central that way).
 */
public final class ChangeEngine {

    private static final Logger log = LoggerFactory.getLogger(ChangeEngine.class);
    /** How old a planner's read may be for the first conflict check to take it (and a Kea planner to plan on it). */
    public static final Duration RECENT_READ = Duration.ofSeconds(15);

    private final ServerDirectory servers;
    private final List<RuleCheck> rules;
    private final ChangeJournal journal;
    private final ChangeRecorder recorder;
    private final JobLock locks;
    private final Clock clock;
    private final EngineSettings settings;
    /** Inert unless the fault-injection system properties are set (see {@link FaultInjectionPause}). */
    private final ChangeListener faults = FaultInjectionPause.fromSystemProperties();

    public ChangeEngine(ServerDirectory servers, List<RuleCheck> rules, ChangeJournal journal, ChangeRecorder recorder,
                        JobLock locks, Clock clock, EngineSettings settings) {
        this.servers = Objects.requireNonNull(servers, "servers");
        this.rules = List.copyOf(rules);
        this.journal = Objects.requireNonNull(journal, "journal");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Runs every check and returns each server's diff, changing nothing anywhere. */
    public ChangeResult dryRun(ChangePlan plan, ChangeListener listener) {
        check(plan, listener);
        emit(listener, ChangeEvent.Phase.DONE, null, "dry run: nothing changed");
        return new ChangeResult(null, true, diffs(plan));
    }

    /**
     * Applies the plan, or throws a UserError naming the server and the cause of the failure and
     * saying what was rolled back; a refused check (rules, validator, conflict) changes nothing.
     */
    public ChangeResult apply(ChangePlan plan, ChangeListener listener) {
        return apply(plan, listener, () -> { });
    }

    /**
     * As {@link #apply(ChangePlan, ChangeListener)}, with the caller's store writes for this change run at the
     * commit point in the journal's transaction (see {@link ChangeJournal#commit(long, Runnable)}); if they
     * fail, the servers are rolled back like after any other failed step.
     */
    @SuppressWarnings("try") // the lock is held for the block's duration, never read
    public ChangeResult apply(ChangePlan plan, ChangeListener listener, Runnable atCommit) {
        List<String> names = plan.servers().stream().map(ServerChange::server).toList();
        try (ServerLocks held = ServerLocks.acquire(locks, names)) {
            refuseIfInterrupted(names);
            Checked checked = check(plan, listener);
            Map<String, ServerTarget> targets = checked.targets();
            long id = journal.begin(plan, clock.instant());
            log.info("change {} by {}: applying to {}", id, plan.who(), names);
            List<ServerChange> touched = new ArrayList<>();
            ServerChange current = null;
            String step = "starting";
            try {
                for (ServerChange change : plan.servers()) {
                    if (change.unchanged()) {
                        continue;
                    }
                    current = change;
                    String name = change.server();
                    ServerTarget target = targets.get(name);
                    Instant deadline = clock.instant().plus(settings.serverStepTimeout());
                    step = "preparing it";
                    emit(listener, ChangeEvent.Phase.PREPARING, name, "waiting until DHCP stays served");
                    target.prepare(deadline);
                    step = "checking it for changes made elsewhere";
                    LiveConfig live = change == checked.first() ? checked.firstRead()
                            : refuseIfChangedElsewhere(target, change, read(change, target::read));
                    step = "journaling it";
                    journal.markServer(id, name, ChangeJournal.ServerStep.APPLYING);
                    touched.add(change);
                    step = "applying the new configuration";
                    emit(listener, ChangeEvent.Phase.APPLYING, name, "applying the new configuration");
                    target.apply(change.newConfig(), live.sha256());
                    step = "waiting for it to be healthy again";
                    emit(listener, ChangeEvent.Phase.VERIFYING, name, "waiting for it to be healthy again");
                    // What it runs is read while it comes back: a config-get of thousands of Kea subnets takes a second.
                    Parallel.Pending<LiveConfig> running = Parallel.start(target::read);
                    try {
                        target.awaitHealthy(deadline);
                    } catch (RuntimeException e) {
                        running.await();
                        throw e;
                    }
                    step = "verifying it runs the new configuration";
                    LiveConfig now;
                    try {
                        now = running.get();
                    } catch (RuntimeException e) {
                        // Read while it restarted; now that it is healthy, one more try decides.
                        now = target.read();
                    }
                    refuseUnlessRunning(target, change.newConfig(), now);
                    step = "journaling it";
                    journal.markServer(id, name, ChangeJournal.ServerStep.APPLIED);
                    emit(listener, ChangeEvent.Phase.APPLIED, name, "new configuration running");
                }
                current = null;
                step = "committing the change";
                journal.commit(id, atCommit);
            } catch (RuntimeException failure) {
                throw rollBack(id, targets, touched, current, step, failure, listener);
            }
            Instant at = clock.instant();
            List<ServerDiff> diffs = diffs(plan);
            try {
                recorder.record(new ChangeRecord(id, plan.who(), at, plan.saveComment(), diffs));
                journal.close(id, ChangeJournal.State.APPLIED, "Applied to " + quoted(touched), at);
            } catch (RuntimeException e) {
                // Past the commit point the change stands; the recovery pass records and closes it.
                log.warn("change {} applied but not yet recorded: {}", id, e.toString());
            }
            emit(listener, ChangeEvent.Phase.DONE, null, "applied to " + quoted(touched));
            return new ChangeResult(id, false, diffs);
        }
    }

    /**
     * What the checks leave for the writes: each server's target, and the read of the first server to be written
     * (null when nothing changes), which guards its write.
     */
    private record Checked(Map<String, ServerTarget> targets, ServerChange first, LiveConfig firstRead) {}

    private Checked check(ChangePlan plan, ChangeListener listener) {
        emit(listener, ChangeEvent.Phase.CHECKING_RULES, null, "checking Tandem's rules");
        for (RuleCheck rule : rules) {
            rule.check(plan);
        }
        Map<String, ServerTarget> targets = new LinkedHashMap<>();
        for (ServerChange change : plan.servers()) {
            targets.put(change.server(), servers.target(change.server()));
            emit(listener, ChangeEvent.Phase.CHECKING_CONFLICT, change.server(), "comparing with the last sync");
        }
        List<ServerChange> changed = plan.servers().stream().filter(change -> !change.unchanged()).toList();
        ServerChange first = changed.isEmpty() ? null : changed.getFirst();
        // The first server to be written is read afresh while every server validates: that read is the one that guards
        // its write (see the class comment). The others take their planner's read here and are read again before theirs.
        Parallel.Pending<LiveConfig> firstRead = first == null ? null : Parallel.start(() ->
                refuseIfChangedElsewhere(targets.get(first.server()), first, read(first, targets.get(first.server())::read)));
        try {
            // Conflicts first: reading a config is cheap, while a validator on thousands of scopes takes seconds.
            Parallel.map(plan.servers().stream().filter(change -> change != first).toList(), change -> {
                ServerTarget target = targets.get(change.server());
                return refuseIfChangedElsewhere(target, change, read(change, () -> target.recentRead(RECENT_READ)));
            });
            for (ServerChange change : changed) {
                emit(listener, ChangeEvent.Phase.VALIDATING, change.server(), "asking the server to validate");
            }
            validate(changed, targets);
        } catch (RuntimeException e) {
            if (firstRead != null) {
                firstRead.get(); // a conflict on the first server is reported before what the others found
            }
            throw e;
        }
        return new Checked(targets, first, firstRead == null ? null : firstRead.get());
    }

    private static void validate(List<ServerChange> changed, Map<String, ServerTarget> targets) {
        Parallel.map(changed, change -> {
            try {
                targets.get(change.server()).validate(change.newConfig());
                return change;
            } catch (RuntimeException e) {
                boolean refused = e instanceof UserError userError && userError.kind() == UserError.Kind.SERVER_REFUSED;
                if (refused) {
                    // The server's own configuration is fine: it is the plan it refused, so show the plan with its words.
                    throw new UserError(UserError.Kind.SERVER_REFUSED, ((UserError) e).field(), "Server \"" + change.server()
                            + "\" refused the configuration Tandem planned for it (nothing was written; it runs its configuration"
                            + " as before): " + e.getMessage() + "\nThe planned change:\n" + clip(ServerDiff.of(change).unifiedDiff()), e);
                }
                throw onServer(change.server(), "could not validate the new configuration", e);
            }
        });
    }

    private static LiveConfig read(ServerChange change, Supplier<LiveConfig> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            throw onServer(change.server(), "could not be read", e);
        }
    }

    private static LiveConfig refuseIfChangedElsewhere(ServerTarget target, ServerChange change, LiveConfig live) {
        if (!target.runs(live, change.expectedConfig())) {
            throw new ChangedOutside(change.server());
        }
        return live;
    }

    /** After a restart, the server must report the config just applied, not merely be up. */
    private static void refuseUnlessRunning(ServerTarget target, String config, LiveConfig live) {
        if (!target.runs(live, config)) {
            throw UserError.serverRefused("it is up but reports a configuration other than the one just applied");
        }
    }

    private void refuseIfInterrupted(List<String> names) {
        for (ChangeJournal.Entry entry : journal.unfinished()) {
            for (ChangeJournal.ServerEntry server : entry.servers()) {
                if (names.contains(server.server())) {
                    throw UserError.conflict("Server \"" + server.server() + "\" has an interrupted change (#"
                            + entry.id() + ") that is not settled yet; Tandem settles it at its next recovery"
                            + " pass, try again after that.");
                }
            }
        }
    }

    private UserError rollBack(long id, Map<String, ServerTarget> targets, List<ServerChange> touched,
                               ServerChange failed, String step, RuntimeException failure, ChangeListener listener) {
        String where = failed == null ? "" : " on server \"" + failed.server() + "\"";
        log.warn("change {} failed{} while {}: {}", id, where, step, failure.toString());
        emit(listener, ChangeEvent.Phase.FAILED, failed == null ? null : failed.server(), failure.getMessage());
        List<ServerChange> restored = new ArrayList<>();
        List<String> notRestored = new ArrayList<>();
        for (ServerChange change : touched.reversed()) {
            String name = change.server();
            try {
                emit(listener, ChangeEvent.Phase.ROLLING_BACK, name, "restoring the old configuration");
                journal.markServer(id, name, ChangeJournal.ServerStep.ROLLING_BACK);
                restoreOld(targets.get(name), change.expectedConfig(), change.newConfig(),
                        clock.instant().plus(settings.serverStepTimeout()));
                journal.markServer(id, name, ChangeJournal.ServerStep.ROLLED_BACK);
                emit(listener, ChangeEvent.Phase.ROLLED_BACK, name, "old configuration running");
                restored.add(change);
            } catch (RuntimeException e) {
                log.error("change {}: cannot restore server {}: {}", id, name, e.toString());
                notRestored.add("\"" + name + "\" (" + e.getMessage() + ")");
            }
        }
        String cause = String.valueOf(failure.getMessage());
        StringBuilder message = new StringBuilder("Change failed").append(where).append(" while ").append(step)
                .append(": ").append(cause.endsWith(".") ? cause : cause + ".");
        if (touched.isEmpty()) {
            message.append(" Nothing was changed on any server.");
        } else if (!restored.isEmpty()) {
            message.append(" Rolled back ").append(quoted(restored)).append(" to the old configuration.");
        }
        if (notRestored.isEmpty()) {
            try {
                journal.close(id, ChangeJournal.State.ROLLED_BACK, message.toString(), clock.instant());
            } catch (RuntimeException e) {
                log.warn("change {} rolled back but its journal entry stays open: {}", id, e.toString());
            }
        } else {
            // The entry stays open so the recovery pass keeps trying to restore these servers.
            message.append(" Could not restore ").append(String.join(", ", notRestored))
                    .append("; Tandem retries at its next recovery pass. Check these servers.");
        }
        return new UserError(kindOf(failure), failure instanceof UserError userError ? userError.field() : null,
                message.toString(), failure);
    }

    /** A server's failure during the checks, as a UserError naming the server. */
    /** The first lines of a diff shown in a message; a plan of thousands of scopes is in the dry run, not in an error. */
    private static String clip(String diff) {
        List<String> lines = diff.lines().toList();
        int max = 60;
        return lines.size() <= max ? diff
                : String.join("\n", lines.subList(0, max)) + "\n(" + (lines.size() - max) + " more lines: see the dry run)\n";
    }

    private static UserError onServer(String server, String what, RuntimeException e) {
        return new UserError(kindOf(e), e instanceof UserError userError ? userError.field() : null,
                "Server \"" + server + "\" " + what + ": " + e.getMessage(), e);
    }

    /**
     * Adapters report server trouble as UserErrors; anything else out of one is a server answer the
     * adapter did not expect (garbage, a dropped connection), which the user sees as unreachable.
     */
    private static UserError.Kind kindOf(RuntimeException e) {
        return e instanceof UserError userError ? userError.kind() : UserError.Kind.UNREACHABLE;
    }

    /**
     * Gives a server its old configuration back, waits until it is healthy and checks it reports it.
     * Applied even when the server already reports the old text, because a dhcpd whose file was
     * restored but which was not restarted yet still runs the new one. Refuses to touch a server that
     * runs neither config: someone else changed it, and overwriting their change would lose it. No
     * prepare hook: when a change failed, bringing back a known-good configuration matters more than
     * waiting for the partner.
     */
    static void restoreOld(ServerTarget target, String oldConfig, String newConfig, Instant deadline) {
        LiveConfig live = target.read();
        if (!target.runs(live, oldConfig) && !target.runs(live, newConfig)) {
            throw UserError.conflict("its configuration is neither the old nor the new one of this change:"
                    + " someone else changed it");
        }
        target.apply(oldConfig, live.sha256());
        target.awaitHealthy(deadline);
        refuseUnlessRunning(target, oldConfig, target.read());
    }

    private static List<ServerDiff> diffs(ChangePlan plan) {
        return plan.servers().stream().map(ServerDiff::of).toList();
    }

    static String quoted(List<ServerChange> changes) {
        return changes.stream().map(change -> "\"" + change.server() + "\"").collect(Collectors.joining(", "));
    }

    private void emit(ChangeListener listener, ChangeEvent.Phase phase, String server, String detail) {
        try {
            ChangeEvent event = new ChangeEvent(clock.instant(), phase, server, detail);
            listener.onEvent(event);
            faults.onEvent(event);
        } catch (RuntimeException e) {
            // A broken progress display must not break a change halfway.
            log.warn("change listener failed: {}", e.toString());
        }
    }
}
