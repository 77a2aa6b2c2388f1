package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class DatabaseHealthTest {

    /** PRAGMA data_version moves when another connection commits a change to the file: a commit with no frame does not. */
    private static long dataVersion(Connection c) throws Exception {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("PRAGMA data_version")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void probe_commitsARealWrite_soADiskThatRefusesWritesFailsIt() throws Exception {
        try (Database db = Database.open(Database.temporaryUrl("probe"));
             Connection other = DriverManager.getConnection(db.url())) {
            long before = dataVersion(other);
            long lock = db.jdbi().withHandle(h -> h.createQuery("SELECT version FROM write_lock").mapTo(Long.class).one());
            assertThat(db.health().probe()).isEmpty();
            assertThat(dataVersion(other)).as("the probe's commit reached the file").isNotEqualTo(before);
            long lockAfter = db.jdbi().withHandle(h -> h.createQuery("SELECT version FROM write_lock").mapTo(Long.class).one());
            assertThat(lockAfter).as("no row a write would move").isEqualTo(lock);
        }
    }
}
