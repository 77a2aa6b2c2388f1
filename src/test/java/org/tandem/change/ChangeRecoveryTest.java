package org.tandem.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandem.common.UserError;
import org.tandem.sync.ChangeRecoveryJob;

/**
 * A Central killed in the middle of a change (a {@link SimulatedCrash} thrown from the journal or a
 * server, which drops the engine), then a fresh recovery pass on the same journal and servers.
 */
class ChangeRecoveryTest {

    /** Journal writes of a successful two-server change: begin, 2 x (APPLYING, APPLIED), commit, close. */
    private static final int WRITES_OF_A_CHANGE = 7;
    private static final int COMMIT_WRITE = 6;

    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void closeFixture() {
        fx.close();
    }

    static IntStream everyJournalWrite() {
        return IntStream.rangeClosed(1, WRITES_OF_A_CHANGE);
    }

    @ParameterizedTest(name = "crash after journal write {0}")
    @MethodSource("everyJournalWrite")
    void crashAfterJournalWrite_recoveryUndoesBeforeCommitAndFinishesAfter(int write) {
        CrashingJournal crashing = new CrashingJournal(fx.journal, write);
        assertThatThrownBy(() -> fx.engine(crashing, List.of()).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(SimulatedCrash.class);

        fx.recovery().recoverAll();

        assertThat(fx.journal.unfinished()).isEmpty();
        var entry = fx.journal.find(1).orElseThrow();
        if (write < COMMIT_WRITE) {
            assertEveryServerOn(EngineFixture.OLD_A, EngineFixture.OLD_B);
            assertThat(entry.state()).isEqualTo(ChangeJournal.State.UNDONE);
            assertThat(entry.outcome()).startsWith("Undone after an interruption");
            assertThat(fx.recorder.records()).isEmpty();
        } else {
            assertEveryServerOn(EngineFixture.NEW_A, EngineFixture.NEW_B);
            assertThat(entry.state()).isEqualTo(ChangeJournal.State.APPLIED);
            assertThat(fx.recorder.records()).singleElement()
                    .satisfies(record -> assertThat(record.saveComment()).isEqualTo("add 198.18.11.0/24"));
        }
        assertThat(entry.finishedAt()).isNotNull();
    }

    @Test
    void crashAfterJournalWrite_countMatchesAChange() {
        CrashingJournal counting = new CrashingJournal(fx.journal, Integer.MAX_VALUE);
        fx.engine(counting, List.of()).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE);
        assertThat(counting.writes()).isEqualTo(WRITES_OF_A_CHANGE);
    }

    static Stream<Arguments> everyStepOfBothServers() {
        List<Arguments> cases = new ArrayList<>();
        for (String server : List.of("dhcp-b", "dhcp-a")) {
            for (FakeServer.Point point : FakeServer.Point.values()) {
                cases.add(Arguments.of(server, point));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "crash at {0} {1}")
    @MethodSource("everyStepOfBothServers")
    void crashAtServerStep_recoveryLeavesEveryServerOnItsOldConfig(String server, FakeServer.Point point) {
        fx.servers.get(server).failAt(point, new SimulatedCrash("at " + server + " " + point), false);
        assertThatThrownBy(() -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(SimulatedCrash.class);

        List<ChangeRecovery.Outcome> outcomes = fx.recovery().recoverAll();

        assertEveryServerOn(EngineFixture.OLD_A, EngineFixture.OLD_B);
        assertThat(fx.journal.unfinished()).isEmpty();
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.state()).isEqualTo(ChangeJournal.State.UNDONE));
        assertThat(fx.recorder.records()).isEmpty();
    }

    /** Writes of a change whose second server (dhcp-a) fails after its restart: 4 forward, then the rollback. */
    static IntStream everyRollbackWrite() {
        return IntStream.rangeClosed(5, 9);
    }

    @ParameterizedTest(name = "crash after journal write {0} while rolling back")
    @MethodSource("everyRollbackWrite")
    void crashWhileRollingBack_recoveryCompletesTheUndo(int write) {
        fx.a.failAt(FakeServer.Point.AFTER_RESTART, UserError.unreachable("agent connection reset", null), false);
        CrashingJournal crashing = new CrashingJournal(fx.journal, write);
        assertThatThrownBy(() -> fx.engine(crashing, List.of()).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(SimulatedCrash.class);

        fx.recovery().recoverAll();

        assertEveryServerOn(EngineFixture.OLD_A, EngineFixture.OLD_B);
        assertThat(fx.journal.unfinished()).isEmpty();
        assertThat(fx.journal.find(1).orElseThrow().state())
                .isIn(ChangeJournal.State.UNDONE, ChangeJournal.State.ROLLED_BACK);
    }

    @Test
    void serverEditedByHandAfterCrash_nothingTouchedAndEntryNeedsAttention() {
        CrashingJournal crashing = new CrashingJournal(fx.journal, 3);
        assertThatThrownBy(() -> fx.engine(crashing, List.of()).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(SimulatedCrash.class);
        String byHand = EngineFixture.OLD_A + "# fixed by hand\n";
        fx.a.editedOutsideTandem(byHand);
        int restartsBefore = fx.a.restarts() + fx.b.restarts();

        List<ChangeRecovery.Outcome> outcomes = fx.recovery().recoverAll();

        assertThat(outcomes).singleElement().satisfies(outcome -> {
            assertThat(outcome.state()).isEqualTo(ChangeJournal.State.NEEDS_ATTENTION);
            assertThat(outcome.summary()).startsWith("Not undone: \"dhcp-a\" runs a configuration that is neither");
        });
        assertThat(fx.a.file()).isEqualTo(byHand);
        assertThat(fx.b.file()).isEqualTo(EngineFixture.NEW_B);
        assertThat(fx.a.restarts() + fx.b.restarts()).isEqualTo(restartsBefore);
        assertThat(fx.journal.unfinished()).isEmpty();
    }

    @Test
    void serverUnreachableDuringRecovery_entryStaysOpenUntilItAnswers() {
        CrashingJournal crashing = new CrashingJournal(fx.journal, 3);
        assertThatThrownBy(() -> fx.engine(crashing, List.of()).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(SimulatedCrash.class);
        fx.b.failAt(FakeServer.Point.BEFORE_READ, UserError.unreachable("connection refused", null), true);

        assertThat(fx.recovery().recoverAll()).singleElement().satisfies(outcome -> {
            assertThat(outcome.state()).isNull();
            assertThat(outcome.summary()).contains("\"dhcp-b\"", "connection refused", "retried at the next pass");
        });
        assertThat(fx.journal.unfinished()).hasSize(1);

        fx.b.clearFaults();
        fx.recovery().recoverAll();

        assertEveryServerOn(EngineFixture.OLD_A, EngineFixture.OLD_B);
        assertThat(fx.journal.unfinished()).isEmpty();
    }

    @SuppressWarnings("try") // the lock is held for the block's duration, never read
    @Test
    void changeStillHeldByALiveEngine_recoveryLeavesItAlone() {
        CrashingJournal crashing = new CrashingJournal(fx.journal, 3);
        assertThatThrownBy(() -> fx.engine(crashing, List.of()).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(SimulatedCrash.class);

        try (var held = fx.locks.tryAcquire(ServerLocks.lockName("dhcp-b")).orElseThrow()) {
            assertThat(fx.recovery().recoverAll()).singleElement()
                    .satisfies(outcome -> assertThat(outcome.state()).isNull());
        }

        assertThat(fx.b.file()).isEqualTo(EngineFixture.NEW_B);
        assertThat(fx.journal.unfinished()).hasSize(1);
    }

    @Test
    void recoveryJob_afterCrashBetweenServers_undoesAndReportsNoError() {
        CrashingJournal crashing = new CrashingJournal(fx.journal, 3);
        assertThatThrownBy(() -> fx.engine(crashing, List.of()).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(SimulatedCrash.class);
        ChangeRecoveryJob job = new ChangeRecoveryJob(fx.recovery(), Duration.ofSeconds(30), fx.locks, fx.clock);

        job.run();

        assertEveryServerOn(EngineFixture.OLD_A, EngineFixture.OLD_B);
        assertThat(job.status().lastError()).isNull();
        assertThat(job.status().lastFinishedAt()).isEqualTo(fx.clock.instant());
    }

    private void assertEveryServerOn(String configA, String configB) {
        assertThat(fx.a.file()).isEqualTo(configA);
        assertThat(fx.a.running()).isEqualTo(configA);
        assertThat(fx.b.file()).isEqualTo(configB);
        assertThat(fx.b.running()).isEqualTo(configB);
    }
}
