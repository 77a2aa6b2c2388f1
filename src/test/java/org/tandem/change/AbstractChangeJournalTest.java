package org.tandem.change;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The journal's contract, run on the embedded SQLite and on PostgreSQL by the two subclasses. */
abstract class AbstractChangeJournalTest {

    private static final Instant STARTED = Instant.parse("2026-11-22T05:00:00.123456Z");
    private static final Instant FINISHED = Instant.parse("2026-11-22T05:01:30Z");

    private TestDatabases db;
    private ChangeJournal journal;

    abstract TestDatabases database();

    @BeforeEach
    void openJournal() {
        db = database();
        journal = new JdbiChangeJournal(db.jdbi());
    }

    @AfterEach
    void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    private static ChangePlan plan(String first, String second) {
        return new ChangePlan(List.of(new ServerChange(first, "old " + first + "\n", "new " + first + "\n"),
                new ServerChange(second, "old " + second + "\n", "new " + second + "\n")), "admin", "two servers");
    }

    @Test
    void begin_thenFind_holdsThePlanInApplyOrderWithEveryServerPlanned() {
        long id = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);

        ChangeJournal.Entry entry = journal.find(id).orElseThrow();

        assertThat(entry.id()).isEqualTo(id);
        assertThat(entry.who()).isEqualTo("admin");
        assertThat(entry.saveComment()).isEqualTo("two servers");
        assertThat(entry.state()).isEqualTo(ChangeJournal.State.OPEN);
        assertThat(entry.startedAt()).isEqualTo(Instant.parse("2026-11-22T05:00:00.123Z")); // kept to the millisecond on both engines
        assertThat(entry.finishedAt()).isNull();
        assertThat(entry.servers()).containsExactly(
                new ChangeJournal.ServerEntry("dhcp-b", "old dhcp-b\n", "new dhcp-b\n", ChangeJournal.ServerStep.PLANNED),
                new ChangeJournal.ServerEntry("dhcp-a", "old dhcp-a\n", "new dhcp-a\n", ChangeJournal.ServerStep.PLANNED));
    }

    @Test
    void begin_largeConfigWithQuotesAndNonAscii_roundTripsExactly() {
        StringBuilder big = new StringBuilder("# Zürich \"north\" site; 'quoted' \\ backslash\n");
        for (int i = 0; i < 2000; i++) {
            big.append("subnet 10.").append(i / 256).append('.').append(i % 256)
                    .append(".0 netmask 255.255.255.0 { pool { failover peer \"pair-1\"; range 10.0.0.10 10.0.0.99; } }\n");
        }
        String config = big.toString();
        long id = journal.begin(new ChangePlan(List.of(new ServerChange("dhcp-a", config, config + "# end\n")),
                "admin", null), STARTED);

        ChangeJournal.ServerEntry server = journal.find(id).orElseThrow().servers().getFirst();

        assertThat(server.oldConfig()).isEqualTo(config);
        assertThat(server.newConfig()).isEqualTo(config + "# end\n");
        assertThat(journal.find(id).orElseThrow().saveComment()).isEmpty();
    }

    @Test
    void markServer_changesOnlyThatServersStep() {
        long id = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);

        journal.markServer(id, "dhcp-b", ChangeJournal.ServerStep.APPLYING);
        journal.markServer(id, "dhcp-b", ChangeJournal.ServerStep.APPLIED);

        assertThat(journal.find(id).orElseThrow().servers()).extracting(ChangeJournal.ServerEntry::step)
                .containsExactly(ChangeJournal.ServerStep.APPLIED, ChangeJournal.ServerStep.PLANNED);
    }

    @Test
    void markServer_unknownServerOrClosedEntry_fails() {
        long id = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);
        assertThatThrownBy(() -> journal.markServer(id, "dhcp-z", ChangeJournal.ServerStep.APPLYING))
                .isInstanceOf(IllegalStateException.class);

        journal.close(id, ChangeJournal.State.ROLLED_BACK, "rolled back", FINISHED);

        assertThatThrownBy(() -> journal.markServer(id, "dhcp-b", ChangeJournal.ServerStep.APPLYING))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void commit_openEntry_becomesCommittedAndStaysUnfinished() {
        long id = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);

        journal.commit(id);

        assertThat(journal.find(id).orElseThrow().state()).isEqualTo(ChangeJournal.State.COMMITTED);
        assertThat(journal.unfinished()).extracting(ChangeJournal.Entry::id).containsExactly(id);
        assertThatThrownBy(() -> journal.commit(id)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void commit_alongsideWritesCommitWithIt_andAFailureCommitsNeither() {
        Jdbi jdbi = db.jdbi();
        journal = new JdbiChangeJournal(jdbi);
        long ok = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);
        long failing = journal.begin(plan("dhcp-d", "dhcp-c"), STARTED);

        journal.commit(ok, () -> jdbi.useHandle(h -> h.execute("UPDATE change_journal SET save_comment = 'store written' WHERE id = ?", ok)));
        assertThatThrownBy(() -> journal.commit(failing, () -> {
            jdbi.useHandle(h -> h.execute("UPDATE change_journal SET save_comment = 'store written' WHERE id = ?", failing));
            throw new IllegalStateException("store refused");
        })).hasMessage("store refused");

        assertThat(journal.find(ok).orElseThrow().state()).isEqualTo(ChangeJournal.State.COMMITTED);
        assertThat(journal.find(ok).orElseThrow().saveComment()).isEqualTo("store written");
        assertThat(journal.find(failing).orElseThrow().state()).isEqualTo(ChangeJournal.State.OPEN);
        assertThat(journal.find(failing).orElseThrow().saveComment()).isNotEqualTo("store written");
    }

    @Test
    void close_secondCloseOfSameEntry_returnsFalseAndKeepsFirstOutcome() {
        long id = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);

        assertThat(journal.close(id, ChangeJournal.State.UNDONE, "undone by node 1", FINISHED)).isTrue();
        assertThat(journal.close(id, ChangeJournal.State.UNDONE, "undone by node 2", FINISHED)).isFalse();

        ChangeJournal.Entry entry = journal.find(id).orElseThrow();
        assertThat(entry.state()).isEqualTo(ChangeJournal.State.UNDONE);
        assertThat(entry.outcome()).isEqualTo("undone by node 1");
        assertThat(entry.finishedAt()).isEqualTo(FINISHED);
    }

    @Test
    void close_withUnfinishedState_isRefused() {
        long id = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);
        assertThatThrownBy(() -> journal.close(id, ChangeJournal.State.COMMITTED, "x", FINISHED))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unfinished_listsOpenAndCommittedOldestFirstWithoutClosedOnes() {
        long first = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);
        long closed = journal.begin(plan("dhcp-d", "dhcp-c"), STARTED);
        long third = journal.begin(plan("dhcp-f", "dhcp-e"), STARTED);
        journal.close(closed, ChangeJournal.State.APPLIED, "applied", FINISHED);
        journal.commit(third);

        assertThat(journal.unfinished()).extracting(ChangeJournal.Entry::id).containsExactly(first, third);
        assertThat(journal.unfinished().get(1).servers()).extracting(ChangeJournal.ServerEntry::server)
                .containsExactly("dhcp-f", "dhcp-e");
    }

    @Test
    void deleteClosedBefore_removesOnlyOldClosedEntries() {
        long oldClosed = journal.begin(plan("dhcp-b", "dhcp-a"), STARTED);
        long recentClosed = journal.begin(plan("dhcp-d", "dhcp-c"), STARTED);
        long open = journal.begin(plan("dhcp-f", "dhcp-e"), STARTED);
        journal.close(oldClosed, ChangeJournal.State.APPLIED, "applied", FINISHED);
        journal.close(recentClosed, ChangeJournal.State.APPLIED, "applied", FINISHED.plusSeconds(3600));

        int deleted = journal.deleteClosedBefore(FINISHED.plusSeconds(60));

        assertThat(deleted).isEqualTo(1);
        assertThat(journal.find(oldClosed)).isEmpty();
        assertThat(journal.find(recentClosed)).isPresent();
        assertThat(journal.find(open)).isPresent();
        int serverRows = db.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM change_journal_server WHERE change_id = :id").bind("id", oldClosed)
                .mapTo(Integer.class).one());
        assertThat(serverRows).isZero();
        int configRows = db.jdbi().withHandle(handle -> handle.createQuery(
                "SELECT COUNT(*) FROM change_journal_config WHERE change_id = :id").bind("id", oldClosed)
                .mapTo(Integer.class).one());
        assertThat(configRows).as("the configs go with their servers' rows").isZero();
    }

    @Test
    void find_unknownId_isEmpty() {
        assertThat(journal.find(4242)).isEmpty();
    }
}
