package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded SQLite database as Central opens it: the settings its durability rests on, its file's mode, its URLs. */
class DatabaseTest {

    @TempDir
    Path dir;

    @Test
    void embedded_isWalWithFullSyncForeignKeysAndAPrivateFile() throws Exception {
        try (Database db = Database.open(Database.embeddedUrl(dir))) {
            assertThat(db.kind()).isEqualTo(Database.Kind.SQLITE);
            assertThat(db.file()).contains(dir.toAbsolutePath().resolve("tandem.db"));
            // Every pooled connection, not only the first: the pragmas are per connection.
            for (int i = 0; i < 3; i++) {
                assertThat(query(db, "PRAGMA journal_mode")).isEqualTo("wal");
                assertThat(query(db, "PRAGMA synchronous")).as("FULL").isEqualTo("2");
                assertThat(query(db, "PRAGMA foreign_keys")).isEqualTo("1");
                assertThat(query(db, "PRAGMA busy_timeout")).isEqualTo(String.valueOf(Database.BUSY_TIMEOUT_MS));
                assertThat(query(db, "PRAGMA secure_delete")).isEqualTo("1");
            }
            // A scope on a server that does not exist is refused by the engine, not stored.
            assertThatThrownBy(() -> db.jdbi().useHandle(h -> h.execute(
                    "INSERT INTO dhcp_scopes (range_id, server_id, name, first_ip, last_ip) VALUES (99, 99, 's', 1, 2)")))
                    .hasMessageContaining("FOREIGN KEY");
            // LIKE matches case as PostgreSQL's does (Micetro filters with @, ^, $).
            db.jdbi().useHandle(h -> h.execute("INSERT INTO ranges (name, first_ip, last_ip) VALUES ('Office', 1, 2)"));
            assertThat(query(db, "SELECT COUNT(*) FROM ranges WHERE name LIKE 'off%'")).isEqualTo("0");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tandem.db")))).isEqualTo("rw-------");
    }

    private static String query(Database db, String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
    }

    @Test
    void reopened_keepsItsRowsAndIdsAreNeverReused() {
        long first;
        try (Database db = Database.open(Database.embeddedUrl(dir))) {
            db.jdbi().useHandle(h -> h.execute("INSERT INTO ranges (name, first_ip, last_ip) VALUES ('a', 1, 2)"));
            first = Long.parseLong(query(db, "SELECT id FROM ranges WHERE name = 'a'"));
            db.jdbi().useHandle(h -> h.execute("DELETE FROM ranges"));
        }
        try (Database db = Database.open(Database.embeddedUrl(dir))) {
            db.jdbi().useHandle(h -> h.execute("INSERT INTO ranges (name, first_ip, last_ip) VALUES ('b', 1, 2)"));
            long second = Long.parseLong(query(db, "SELECT id FROM ranges WHERE name = 'b'"));
            assertThat(second).as("a deleted range's ref is not handed to the next one").isGreaterThan(first);
        }
    }

    @Test
    void urls_otherEnginesAndInMemorySqlite_areRefusedNamingTheScheme() {
        assertThat(Database.kindOf("jdbc:postgresql://db/tandem")).isEqualTo(Database.Kind.POSTGRESQL);
        assertThatThrownBy(() -> Database.kindOf("jdbc:h2:file:/var/lib/tandem/tandem"))
                .hasMessage("the database URL must start with jdbc:postgresql: or jdbc:sqlite:, not jdbc:h2:");
        assertThatThrownBy(() -> Database.open("jdbc:sqlite::memory:")).hasMessageContaining("must be a file");
    }

    @Test
    void temporary_isRemovedWithItsWalWhenTheLastUserCloses() {
        String url = Database.temporaryUrl("t");
        Path file = Path.of(url.substring("jdbc:sqlite:".length()));
        Database a = Database.open(url);
        Database b = Database.open(url);
        a.close();
        assertThat(file).as("still used by b").exists();
        b.close();
        assertThat(file).doesNotExist();
        assertThat(Path.of(file + "-wal")).doesNotExist();
    }
}
