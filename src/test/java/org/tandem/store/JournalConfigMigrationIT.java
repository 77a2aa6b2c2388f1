package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.change.ChangeJournal;
import org.tandem.change.JdbiChangeJournal;
import org.tandem.change.TestDatabases;

/**
 * V76 moves the change journal's configs out of {@code change_journal_server}: an interrupted change journaled by a
 * Tandem before it must still be undone by the one after, on both engines, and closed entries still go as a whole.
 */
class JournalConfigMigrationIT {

    /** Entry 1 open (its first server applying), entry 2 closed an hour ago; written as V75 had them. */
    private static final String[] V75_ROWS = {
        "INSERT INTO change_journal (id, who, save_comment, state, started_at) VALUES (1, 'administrator', 'open', 'OPEN', ?)",
        "INSERT INTO change_journal (id, who, save_comment, state, started_at, finished_at, outcome) VALUES (2, 'administrator',"
                + " 'closed', 'APPLIED', ?, ?, 'Applied')",
        "INSERT INTO change_journal_server (change_id, apply_order, server_name, old_config, new_config, step)"
                + " VALUES (1, 0, 'kea-b', '{\"Dhcp4\": {\"old\": \"b\"}}', '{\"Dhcp4\": {\"new\": \"b\"}}', 'APPLYING')",
        "INSERT INTO change_journal_server (change_id, apply_order, server_name, old_config, new_config, step)"
                + " VALUES (1, 1, 'kea-a', 'subnet 10.0.0.0 netmask 255.255.255.0 { # \u00e9t\u00e9\n}\n', 'new a', 'PLANNED')",
        "INSERT INTO change_journal_server (change_id, apply_order, server_name, old_config, new_config, step)"
                + " VALUES (2, 0, 'kea-c', 'old c', 'new c', 'APPLIED')",
    };
    private static final Instant AN_HOUR_AGO = Instant.now().minusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);

    @Test
    void sqlite_anInterruptedChangeFromBeforeV76_keepsItsConfigsAndSteps(@TempDir Path dir) throws SQLException {
        // Not Database.temporaryUrl: that file goes when its first Database closes, and this one must be opened twice.
        String url = Database.embeddedUrl(dir);
        try (Database old = Database.openAtVersion(url, "75"); Handle h = old.jdbi().open()) {
            insert(h.getConnection());
        }
        try (Database migrated = Database.open(url)) {
            assertMigrated(migrated.jdbi());
        }
    }

    @Test
    void postgres_anInterruptedChangeFromBeforeV76_keepsItsConfigsAndSteps() throws SQLException {
        try (TestDatabases db = TestDatabases.postgresAt("75")) {
            try (Connection c = db.connect()) {
                insert(c);
            }
            db.migrateToNewest();
            assertMigrated(db.jdbi());
        }
    }

    /** The rows with their times bound, as the journal binds them (each engine keeps a Timestamp its own way). */
    private static void insert(Connection c) throws SQLException {
        for (String row : V75_ROWS) {
            try (PreparedStatement s = c.prepareStatement(row)) {
                for (int i = 1; i <= s.getParameterMetaData().getParameterCount(); i++) {
                    s.setTimestamp(i, Timestamp.from(AN_HOUR_AGO));
                }
                s.execute();
            }
        }
    }

    private static void assertMigrated(Jdbi jdbi) {
        JdbiChangeJournal journal = new JdbiChangeJournal(jdbi);
        assertThat(journal.unfinished()).singleElement().satisfies(entry -> assertThat(entry.servers()).containsExactly(
                new ChangeJournal.ServerEntry("kea-b", "{\"Dhcp4\": {\"old\": \"b\"}}", "{\"Dhcp4\": {\"new\": \"b\"}}",
                        ChangeJournal.ServerStep.APPLYING),
                new ChangeJournal.ServerEntry("kea-a", "subnet 10.0.0.0 netmask 255.255.255.0 { # \u00e9t\u00e9\n}\n", "new a",
                        ChangeJournal.ServerStep.PLANNED)));
        journal.markServer(1, "kea-b", ChangeJournal.ServerStep.ROLLING_BACK);
        assertThat(journal.find(1).orElseThrow().servers().getFirst().step()).isEqualTo(ChangeJournal.ServerStep.ROLLING_BACK);

        assertThat(journal.deleteClosedBefore(AN_HOUR_AGO.plusSeconds(60))).isEqualTo(1);
        int configsLeft = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM change_journal_config").mapTo(Integer.class).one());
        assertThat(configsLeft).as("the closed entry's configs go with it").isEqualTo(2);
    }
}
