package org.tandem.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.sync.ChangeRecoveryJob;
import org.tandem.sync.PostgresJobLock;

/**
 * Two Central nodes on one PostgreSQL (each with its own lock session) sharing the journal: a change
 * running on one is left alone by the other, and a node that dies mid-change is undone by the other.
 */
class TwoCentralNodesIT {

    private EngineFixture fx;
    private PostgresJobLock node1;
    private PostgresJobLock node2;

    @BeforeEach
    void startNodes() {
        fx = new EngineFixture(TestDatabases.postgres());
        node1 = new PostgresJobLock(fx.db::connect);
        node2 = new PostgresJobLock(fx.db::connect);
    }

    @AfterEach
    void stopNodes() {
        if (fx != null) {
            node1.close();
            node2.close();
            fx.close();
        }
    }

    @Test
    void changeRunningOnNode1_node2RefusesAChangeToTheSameServersAndItsRecoveryWaits() throws Exception {
        CountDownLatch preparingA = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        fx.a.whilePreparing(() -> {
            preparingA.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CompletableFuture<ChangeResult> onNode1 = CompletableFuture.supplyAsync(
                () -> fx.engine(fx.journal, List.of(), node1).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE));
        try {
            assertThat(preparingA.await(30, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> fx.engine(fx.journal, List.of(), node2)
                    .apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                    .isInstanceOf(UserError.class).hasMessageContaining("Another change or a sync of server");
            assertThat(fx.recovery(node2).recoverAll()).singleElement()
                    .satisfies(outcome -> assertThat(outcome.state()).isNull());
        } finally {
            release.countDown();
        }

        assertThat(onNode1.get(30, TimeUnit.SECONDS).changeId()).isNotNull();
        assertThat(fx.a.running()).isEqualTo(EngineFixture.NEW_A);
        assertThat(fx.b.running()).isEqualTo(EngineFixture.NEW_B);
    }

    @Test
    void node1DiesBetweenTheTwoServers_node2RecoveryJobUndoesTheChange() {
        CrashingJournal crashing = new CrashingJournal(fx.journal, 3);
        assertThatThrownBy(() -> fx.engine(crashing, List.of(), node1).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(SimulatedCrash.class);
        node1.close();
        assertThat(fx.b.running()).isEqualTo(EngineFixture.NEW_B);

        ChangeRecoveryJob job = new ChangeRecoveryJob(fx.recovery(node2), Duration.ofSeconds(30), node2, Clock.systemUTC());
        job.run();

        assertThat(job.status().lastError()).isNull();
        assertThat(fx.a.file()).isEqualTo(EngineFixture.OLD_A).isEqualTo(fx.a.running());
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B).isEqualTo(fx.b.running());
        assertThat(fx.journal.unfinished()).isEmpty();
        assertThat(fx.journal.find(1).orElseThrow().state()).isEqualTo(ChangeJournal.State.UNDONE);
    }
}
