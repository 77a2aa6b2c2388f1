package org.tandem.change;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.common.UserError;
import org.tandem.sync.JobLock;

/**
 * Settles the changes a Central left unfinished when it died: at start-up, and then periodically so
 * that on several Central nodes a survivor settles the changes of a node that died.
 *
 * <p><b>Policy: undo before the commit point, finish after it.</b> An entry still OPEN is undone:
 * every server it touched gets its old configuration back and is verified. Undoing is the safer
 * choice because the old configurations are known good (each was running and verified before the
 * change), because the person who asked was never told the change succeeded (their request died
 * with the Central, so they will look and retry), and because finishing would apply configurations
 * whose checks (validator, partner state, the conflict check) were done against a world that has
 * moved on. An entry COMMITTED (every server had been applied and verified) is finished instead: it
 * only lacks its change-log record, and undoing a fully working change would restart every server
 * twice for nothing.
 *
 * <p>Per server of an OPEN entry, from its live config hash: the new config, or a step that may have
 * left it half applied (a dhcpd file written but not yet restarted) means its old config is applied
 * again; the old config on an untouched server means nothing to do; any other config means someone
 * else changed the server after the crash, so the pass touches none of the entry's servers and closes
 * it as {@code NEEDS_ATTENTION} naming that server, because overwriting a person's change is worse
 * than leaving a pair for them to look at. A server it cannot reach keeps the entry open for the
 * next pass.
 *
 * <p>It takes each entry's server locks first and skips the entry when it cannot: then the change is
 * still being applied, by this node or a live one.
 */
public final class ChangeRecovery {

    private static final Logger log = LoggerFactory.getLogger(ChangeRecovery.class);

    /** What the pass did with one unfinished entry; {@code state} is null when the entry stays open. */
    public record Outcome(long changeId, ChangeJournal.State state, String summary) {
    }

    private final ServerDirectory servers;
    private final ChangeJournal journal;
    private final ChangeRecorder recorder;
    private final JobLock locks;
    private final Clock clock;
    private final EngineSettings settings;

    public ChangeRecovery(ServerDirectory servers, ChangeJournal journal, ChangeRecorder recorder, JobLock locks,
                          Clock clock, EngineSettings settings) {
        this.servers = Objects.requireNonNull(servers, "servers");
        this.journal = Objects.requireNonNull(journal, "journal");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** Settles every unfinished entry it can, oldest first. */
    public List<Outcome> recoverAll() {
        List<Outcome> outcomes = new ArrayList<>();
        for (ChangeJournal.Entry entry : journal.unfinished()) {
            outcomes.add(recover(entry));
        }
        return outcomes;
    }

    private Outcome recover(ChangeJournal.Entry stale) {
        List<String> names = stale.servers().stream().map(ChangeJournal.ServerEntry::server).toList();
        ServerLocks held;
        try {
            held = ServerLocks.acquire(locks, names);
        } catch (UserError e) {
            return new Outcome(stale.id(), null, "still being applied elsewhere; left alone");
        }
        try (held) {
            // Re-read under the locks: the node that owned it may have closed it meanwhile.
            Optional<ChangeJournal.Entry> current = journal.find(stale.id()).filter(e -> !e.state().finished());
            if (current.isEmpty()) {
                return new Outcome(stale.id(), null, "already settled");
            }
            ChangeJournal.Entry entry = current.get();
            Outcome outcome = entry.state() == ChangeJournal.State.COMMITTED ? finish(entry) : undo(entry);
            log.info("recovery of change {}: {}", entry.id(), outcome.summary());
            return outcome;
        }
    }

    private Outcome finish(ChangeJournal.Entry entry) {
        List<ServerDiff> diffs = entry.servers().stream()
                .map(server -> ServerDiff.of(new ServerChange(server.server(), server.oldConfig(), server.newConfig())))
                .toList();
        recorder.record(new ChangeRecord(entry.id(), entry.who(), entry.startedAt(), entry.saveComment(), diffs));
        String summary = "Finished after an interruption: every server had its new configuration; recorded.";
        journal.close(entry.id(), ChangeJournal.State.APPLIED, summary, clock.instant());
        return new Outcome(entry.id(), ChangeJournal.State.APPLIED, summary);
    }

    private Outcome undo(ChangeJournal.Entry entry) {
        List<ServerTarget> targets = new ArrayList<>();
        List<String> toRestore = new ArrayList<>();
        List<String> foreign = new ArrayList<>();
        for (ChangeJournal.ServerEntry server : entry.servers()) {
            ServerTarget target;
            LiveConfig live;
            try {
                target = servers.target(server.server());
                live = target.read();
            } catch (RuntimeException e) {
                return new Outcome(entry.id(), null, "server \"" + server.server() + "\" could not be read ("
                        + e.getMessage() + "); retried at the next pass");
            }
            targets.add(target);
            boolean isOld = target.runs(live, server.oldConfig());
            boolean isNew = target.runs(live, server.newConfig());
            boolean touched = switch (server.step()) {
                case APPLYING, APPLIED, ROLLING_BACK -> true;
                case PLANNED, ROLLED_BACK -> false;
            };
            if (!isOld && !isNew) {
                foreign.add("\"" + server.server() + "\"");
            } else if (isNew || touched && !server.oldConfig().equals(server.newConfig())) {
                toRestore.add(server.server());
            }
        }
        if (!foreign.isEmpty()) {
            String summary = "Not undone: " + String.join(", ", foreign) + " runs a configuration that is neither the"
                    + " old nor the new one of this change (changed by someone else after the interruption);"
                    + " no server was touched. Check the servers and sync them.";
            journal.close(entry.id(), ChangeJournal.State.NEEDS_ATTENTION, summary, clock.instant());
            return new Outcome(entry.id(), ChangeJournal.State.NEEDS_ATTENTION, summary);
        }
        List<ChangeJournal.ServerEntry> ordered = entry.servers().reversed();
        List<ServerTarget> orderedTargets = targets.reversed();
        for (int i = 0; i < ordered.size(); i++) {
            ChangeJournal.ServerEntry server = ordered.get(i);
            if (!toRestore.contains(server.server())) {
                continue;
            }
            try {
                journal.markServer(entry.id(), server.server(), ChangeJournal.ServerStep.ROLLING_BACK);
                ChangeEngine.restoreOld(orderedTargets.get(i), server.oldConfig(), server.newConfig(),
                        clock.instant().plus(settings.serverStepTimeout()));
                journal.markServer(entry.id(), server.server(), ChangeJournal.ServerStep.ROLLED_BACK);
            } catch (RuntimeException e) {
                log.error("recovery of change {}: cannot restore {}: {}", entry.id(), server.server(), e.toString());
                return new Outcome(entry.id(), null, "could not restore server \"" + server.server() + "\" ("
                        + e.getMessage() + "); retried at the next pass");
            }
        }
        String summary = toRestore.isEmpty()
                ? "Undone after an interruption: no server had been changed yet."
                : "Undone after an interruption: old configuration restored and verified on "
                        + toRestore.stream().map(name -> "\"" + name + "\"").collect(Collectors.joining(", ")) + ".";
        journal.close(entry.id(), ChangeJournal.State.UNDONE, summary, clock.instant());
        return new Outcome(entry.id(), ChangeJournal.State.UNDONE, summary);
    }
}
