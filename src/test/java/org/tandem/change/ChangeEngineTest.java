package org.tandem.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandem.common.UserError;

class ChangeEngineTest {

    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void closeFixture() {
        fx.close();
    }

    @Test
    void apply_twoServers_secondaryFirstEachVerifiedThenRecorded() {
        List<ChangeEvent> progress = new ArrayList<>();

        ChangeResult result = fx.engine().apply(EngineFixture.addSubnetPlan(), progress::add);

        assertThat(fx.b.file()).isEqualTo(EngineFixture.NEW_B);
        assertThat(fx.b.running()).isEqualTo(EngineFixture.NEW_B);
        assertThat(fx.a.file()).isEqualTo(EngineFixture.NEW_A);
        assertThat(fx.a.running()).isEqualTo(EngineFixture.NEW_A);
        assertThat(fx.events.subList(0, 2)).containsExactlyInAnyOrder("dhcp-b:validate", "dhcp-a:validate");
        assertThat(fx.events.subList(2, fx.events.size())).containsExactly(
                "dhcp-b:prepare", "dhcp-b:apply", "dhcp-b:verify",
                "dhcp-a:prepare", "dhcp-a:apply", "dhcp-a:verify");
        assertThat(result.dryRun()).isFalse();
        assertThat(fx.journal.find(result.changeId())).get()
                .satisfies(entry -> {
                    assertThat(entry.state()).isEqualTo(ChangeJournal.State.APPLIED);
                    assertThat(entry.servers()).extracting(ChangeJournal.ServerEntry::step)
                            .containsExactly(ChangeJournal.ServerStep.APPLIED, ChangeJournal.ServerStep.APPLIED);
                });
        assertThat(fx.recorder.records()).singleElement().satisfies(record -> {
            assertThat(record.changeId()).isEqualTo(result.changeId());
            assertThat(record.who()).isEqualTo("admin");
            assertThat(record.saveComment()).isEqualTo("add 198.18.11.0/24");
            assertThat(record.diffs()).extracting(ServerDiff::server).containsExactly("dhcp-b", "dhcp-a");
            assertThat(record.diffs().get(0).unifiedDiff()).contains("+subnet 198.18.11.0 netmask 255.255.255.0 {");
        });
        assertThat(progress).extracting(ChangeEvent::phase).startsWith(ChangeEvent.Phase.CHECKING_RULES)
                .endsWith(ChangeEvent.Phase.DONE).contains(ChangeEvent.Phase.APPLYING, ChangeEvent.Phase.VERIFYING);
    }

    @Test
    void dryRun_addSubnet_returnsExactUnifiedDiffPerServerAndChangesNothing() {
        ChangeResult result = fx.engine().dryRun(EngineFixture.addSubnetPlan(), ChangeListener.NONE);

        assertThat(result.dryRun()).isTrue();
        assertThat(result.changeId()).isNull();
        assertThat(result.diffs()).extracting(ServerDiff::server).containsExactly("dhcp-b", "dhcp-a");
        assertThat(result.diffs().get(0).unifiedDiff()).isEqualTo("""
                --- a/dhcp-b
                +++ b/dhcp-b
                @@ -12,3 +12,9 @@
                     range 198.18.10.10 198.18.10.100;
                   }
                 }
                +subnet 198.18.11.0 netmask 255.255.255.0 {
                +  pool {
                +    failover peer "pair-1";
                +    range 198.18.11.10 198.18.11.100;
                +  }
                +}
                """);
        assertThat(result.diffs().get(1).unifiedDiff()).startsWith("--- a/dhcp-a\n+++ b/dhcp-a\n@@ -14,3 +14,9 @@\n");
        assertThat(fx.a.file()).isEqualTo(EngineFixture.OLD_A);
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B);
        assertThat(fx.a.restarts() + fx.b.restarts()).isZero();
        assertThat(fx.journal.find(1)).isEmpty();
        assertThat(fx.recorder.records()).isEmpty();
    }

    @Test
    void dryRun_serverRefusesNewConfig_reportsServersWords() {
        ChangePlan plan = new ChangePlan(List.of(new ServerChange("dhcp-b", EngineFixture.OLD_B,
                EngineFixture.OLD_B + "option " + FakeServer.INVALID_MARKER + " 1;\n")), "admin", "");

        UserError error = catchThrowableOfType(UserError.class, () -> fx.engine().dryRun(plan, ChangeListener.NONE));

        assertThat(error.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED);
        assertThat(error.getMessage()).startsWith("Server \"dhcp-b\" refused the configuration Tandem planned for it (nothing was"
                + " written; it runs its configuration as before): /etc/dhcp/dhcpd.conf line 2: unknown option dhcp." + FakeServer.INVALID_MARKER)
                .contains("The planned change:\n--- a/dhcp-b\n+++ b/dhcp-b").contains("+option " + FakeServer.INVALID_MARKER + " 1;");
    }

    @Test
    void apply_secondaryRefusesNewConfig_nothingChangedAnywhere() {
        ChangePlan plan = new ChangePlan(List.of(
                new ServerChange("dhcp-b", EngineFixture.OLD_B, EngineFixture.NEW_B + "option " + FakeServer.INVALID_MARKER + " 1;\n"),
                new ServerChange("dhcp-a", EngineFixture.OLD_A, EngineFixture.NEW_A)), "admin", "");

        UserError error = catchThrowableOfType(UserError.class, () -> fx.engine().apply(plan, ChangeListener.NONE));

        assertThat(error.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED);
        assertThat(error.getMessage()).contains("dhcp-b", "unknown option");
        assertUnchanged();
        assertThat(fx.journal.unfinished()).isEmpty();
    }

    @Test
    void apply_liveConfigEditedOutsideTandem_refusedNamingServer() {
        fx.a.editedOutsideTandem(EngineFixture.OLD_A + "# added by hand\n");

        UserError error = catchThrowableOfType(UserError.class,
                () -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE));

        assertThat(error.kind()).isEqualTo(UserError.Kind.CONFLICT);
        assertThat(error.getMessage()).startsWith("Server \"dhcp-a\" was changed outside Tandem since it was last synced");
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B);
        assertThat(fx.a.restarts() + fx.b.restarts()).isZero();
    }

    @Test
    void apply_plannerReadMomentsAgo_firstConflictCheckTakesItInsteadOfReadingAgain() {
        fx.a.read();
        fx.b.read();

        fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE);

        // The planner's read and the verification on both. dhcp-b, written first, is read once more while the servers
        // validate (the read that guards its write); dhcp-a just before its write, but not for its first check.
        assertThat(fx.a.reads()).isEqualTo(3);
        assertThat(fx.b.reads()).isEqualTo(3);
        assertThat(fx.a.running()).isEqualTo(EngineFixture.NEW_A);
    }

    @Test
    void apply_plannerReadLongerAgoThanTheWindow_firstConflictCheckReadsAgain() {
        fx.a.read();
        fx.clock.advance(ChangeEngine.RECENT_READ.plusSeconds(1));

        fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE);

        assertThat(fx.a.reads()).isEqualTo(4);
    }

    @Test
    void apply_editedOutsideTandemRightAfterThePlannersRead_refusedBeforeAnyWrite() {
        fx.a.read();
        fx.b.read();
        fx.a.editedOutsideTandem(EngineFixture.OLD_A + "# added by hand\n");

        UserError error = catchThrowableOfType(UserError.class,
                () -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE));

        // dhcp-a's first check took the planner's read; the fresh read just before its write still catches the edit
        // (dhcp-b, written first, is rolled back).
        assertThat(error.kind()).isEqualTo(UserError.Kind.CONFLICT);
        assertThat(error.getMessage()).contains("\"dhcp-a\" was changed outside Tandem");
        assertThat(fx.a.file()).isEqualTo(EngineFixture.OLD_A + "# added by hand\n");
        assertThat(fx.a.restarts()).isZero();
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B);
        assertThat(fx.b.running()).isEqualTo(EngineFixture.OLD_B);
    }

    @Test
    void apply_firstServerEditedOutsideTandemAfterThePlannersRead_refusedAtTheChecks_nothingWrittenNorJournaled() {
        fx.a.read();
        fx.b.read();
        fx.b.editedOutsideTandem(EngineFixture.OLD_B + "# added by hand\n");

        UserError error = catchThrowableOfType(UserError.class,
                () -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE));

        // dhcp-b is written first: its read taken while the servers validate finds the edit, before any write.
        assertThat(error).isInstanceOf(ChangedOutside.class);
        assertThat(((ChangedOutside) error).server()).isEqualTo("dhcp-b");
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B + "# added by hand\n");
        assertThat(fx.a.restarts() + fx.b.restarts()).isZero();
        assertThat(fx.a.file()).isEqualTo(EngineFixture.OLD_A);
        assertThat(fx.journal.find(1)).isEmpty();
    }

    @Test
    void dryRun_bothServersRefuse_reportsTheFirstInPlanOrderAfterAskingBoth() {
        ChangePlan plan = new ChangePlan(List.of(
                new ServerChange("dhcp-b", EngineFixture.OLD_B, EngineFixture.NEW_B + "option " + FakeServer.INVALID_MARKER + " 1;\n"),
                new ServerChange("dhcp-a", EngineFixture.OLD_A, EngineFixture.NEW_A + "option " + FakeServer.INVALID_MARKER + " 2;\n")),
                "admin", "");

        UserError error = catchThrowableOfType(UserError.class, () -> fx.engine().dryRun(plan, ChangeListener.NONE));

        assertThat(error.getMessage()).startsWith("Server \"dhcp-b\" refused the configuration Tandem planned for it");
        assertThat(fx.events).containsExactlyInAnyOrder("dhcp-b:validate", "dhcp-a:validate");
    }

    @Test
    void apply_ruleCheckFails_noServerAsked() {
        RuleCheck overlap = plan -> {
            throw UserError.conflict("A scope with address \"198.18.11.0\" already exists on the server");
        };

        assertThatThrownBy(() -> fx.engine(fx.journal, List.of(overlap)).apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(UserError.class).hasMessage("A scope with address \"198.18.11.0\" already exists on the server");
        assertThat(fx.events).isEmpty();
    }

    @SuppressWarnings("try") // the lock is held for the block's duration, never read
    @Test
    void apply_anotherChangeHoldsTheServer_refused() {
        try (var held = fx.locks.tryAcquire(ServerLocks.lockName("dhcp-a")).orElseThrow()) {
            assertThatThrownBy(() -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                    .isInstanceOf(UserError.class)
                    .hasMessage("Another change or a sync of server \"dhcp-a\" is in progress; try again when it has finished");
        }
        assertUnchanged();
    }

    @Test
    void apply_serverWithSameConfig_isCheckedButNotRestarted() {
        ChangePlan plan = new ChangePlan(List.of(new ServerChange("dhcp-b", EngineFixture.OLD_B, EngineFixture.NEW_B),
                new ServerChange("dhcp-a", EngineFixture.OLD_A, EngineFixture.OLD_A)), "admin", "");

        ChangeResult result = fx.engine().apply(plan, ChangeListener.NONE);

        assertThat(fx.a.restarts()).isZero();
        assertThat(fx.b.restarts()).isEqualTo(1);
        assertThat(result.diffs().get(1).unifiedDiff()).isEmpty();
    }

    static Stream<Arguments> everyStepOfBothServers() {
        List<Arguments> cases = new ArrayList<>();
        for (String server : List.of("dhcp-b", "dhcp-a")) {
            for (FakeServer.Point point : FakeServer.Point.values()) {
                cases.add(Arguments.of(server, point, UserError.unreachable("agent connection reset", null)));
                cases.add(Arguments.of(server, point, new IllegalStateException("agent answered garbage: <html>")));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyStepOfBothServers")
    void apply_faultAtStep_everyServerBackOnItsOldConfigAndErrorNamesServerAndCause(
            String server, FakeServer.Point point, RuntimeException fault) {
        fx.servers.get(server).failAt(point, fault, false);

        UserError error = catchThrowableOfType(UserError.class,
                () -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE));

        assertThat(error).isNotNull();
        assertThat(error.getMessage()).contains("\"" + server + "\"", fault.getMessage());
        assertThat(fx.a.file()).isEqualTo(EngineFixture.OLD_A).isEqualTo(fx.a.running());
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B).isEqualTo(fx.b.running());
        assertThat(fx.journal.unfinished()).isEmpty();
        assertThat(fx.recorder.records()).isEmpty();
        if (fx.b.restarts() > 0) {
            assertThat(error.getMessage()).contains("Rolled back").contains("\"dhcp-b\"");
        }
    }

    @Test
    void apply_primaryAgentDownAfterSecondaryApplied_messageNamesServerCauseAndRollback() {
        fx.a.failAt(FakeServer.Point.BEFORE_WRITE, UserError.unreachable("agent at 198.18.0.1:4151 did not answer", null), false);
        List<ChangeEvent> progress = new ArrayList<>();

        UserError error = catchThrowableOfType(UserError.class,
                () -> fx.engine().apply(EngineFixture.addSubnetPlan(), progress::add));

        assertThat(error.kind()).isEqualTo(UserError.Kind.UNREACHABLE);
        assertThat(error.getMessage()).isEqualTo("Change failed on server \"dhcp-a\" while applying the new configuration:"
                + " agent at 198.18.0.1:4151 did not answer. Rolled back \"dhcp-a\", \"dhcp-b\" to the old configuration.");
        assertThat(progress).filteredOn(event -> event.phase() == ChangeEvent.Phase.ROLLED_BACK)
                .extracting(ChangeEvent::server).containsExactly("dhcp-a", "dhcp-b");
        assertThat(fx.journal.find(1).orElseThrow().state()).isEqualTo(ChangeJournal.State.ROLLED_BACK);
    }

    @Test
    void apply_secondServerNeverHealthy_deadlinePassesFirstRolledBack() {
        fx.a.neverHealthy(true);

        UserError error = catchThrowableOfType(UserError.class,
                () -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE));

        assertThat(error.kind()).isEqualTo(UserError.Kind.UNREACHABLE);
        assertThat(error.getMessage()).startsWith("Change failed on server \"dhcp-a\" while waiting for it to be healthy"
                + " again: dhcpd did not come back in failover normal");
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B).isEqualTo(fx.b.running());
        // dhcp-a stays unhealthy, so its own restore cannot be verified: the entry stays open for recovery.
        assertThat(error.getMessage()).contains("Could not restore \"dhcp-a\"");
        assertThat(fx.journal.unfinished()).hasSize(1);

        fx.a.neverHealthy(false);
        assertThat(fx.recovery().recoverAll()).singleElement()
                .satisfies(outcome -> assertThat(outcome.state()).isEqualTo(ChangeJournal.State.UNDONE));
        assertThat(fx.a.file()).isEqualTo(EngineFixture.OLD_A).isEqualTo(fx.a.running());
        assertThat(fx.journal.unfinished()).isEmpty();
    }

    @Test
    void apply_rollbackWriteFailsToo_entryStaysOpenAndRecoveryRestoresLater() {
        fx.a.failAt(FakeServer.Point.AFTER_WRITE, UserError.unreachable("agent connection reset", null), true);

        UserError error = catchThrowableOfType(UserError.class,
                () -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE));

        assertThat(error.getMessage()).contains("Rolled back \"dhcp-b\"", "Could not restore \"dhcp-a\"",
                "Tandem retries at its next recovery pass");
        assertThat(fx.journal.unfinished()).hasSize(1);
        assertThatThrownBy(() -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE))
                .isInstanceOf(UserError.class).hasMessageContaining("has an interrupted change");

        fx.a.clearFaults();
        fx.recovery().recoverAll();

        assertThat(fx.a.file()).isEqualTo(EngineFixture.OLD_A).isEqualTo(fx.a.running());
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B).isEqualTo(fx.b.running());
        assertThat(fx.journal.unfinished()).isEmpty();
    }

    @Test
    void apply_serverStoresConfigWithAddedDefaults_verifiedThroughItsOwnFingerprint() {
        UnaryOperator<String> addsDefaults = config -> config + "# default: decline-probation-period 86400\n";
        UnaryOperator<String> withoutDefaults = config -> config.replace("# default: decline-probation-period 86400\n", "");
        fx.b.reportsAppliedConfigAs(addsDefaults, withoutDefaults);

        fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE);

        assertThat(fx.b.running()).isEqualTo(addsDefaults.apply(EngineFixture.NEW_B));
        assertThat(fx.a.running()).isEqualTo(EngineFixture.NEW_A);
    }

    @Test
    void apply_serverUpButRunningSomethingElse_verifyFailsAndBothRolledBack() {
        fx.a.reportsAppliedConfigAs(config -> config + "# rewritten by the server\n", UnaryOperator.identity());

        UserError error = catchThrowableOfType(UserError.class,
                () -> fx.engine().apply(EngineFixture.addSubnetPlan(), ChangeListener.NONE));

        assertThat(error.getMessage()).startsWith("Change failed on server \"dhcp-a\" while verifying it runs the new"
                + " configuration: it is up but reports a configuration other than the one just applied.");
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B).isEqualTo(fx.b.running());
        // dhcp-a now runs neither the old nor the new config; overwriting an unknown config is refused.
        assertThat(error.getMessage()).contains("Rolled back \"dhcp-b\"", "Could not restore \"dhcp-a\"");
    }

    private void assertUnchanged() {
        assertThat(fx.a.file()).isEqualTo(EngineFixture.OLD_A).isEqualTo(fx.a.running());
        assertThat(fx.b.file()).isEqualTo(EngineFixture.OLD_B).isEqualTo(fx.b.running());
        assertThat(fx.a.restarts() + fx.b.restarts()).isZero();
    }
}
