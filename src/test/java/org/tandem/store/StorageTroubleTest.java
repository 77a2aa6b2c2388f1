package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

class StorageTroubleTest {

    private static final Path FILE = Path.of("/var/lib/tandem/tandem.db");
    private static final String SQLITE = "jdbc:sqlite:" + FILE;
    private static final String PG = "jdbc:postgresql://tandem:secret@db.example/tandem?password=secret";

    private static StorageTrouble sqlite(Throwable e) {
        return StorageTrouble.of(e, Database.Kind.SQLITE, SQLITE, FILE).orElseThrow();
    }

    @Test
    void sqliteFull_insideJdbisException_namesTheFileTheCauseAndTheRemedy() {
        Throwable e = new UnableToExecuteStatementException(new SQLiteException("[SQLITE_FULL] disk full", SQLiteErrorCode.SQLITE_FULL), null);
        assertThat(sqlite(e).message()).isEqualTo("Central cannot write its database /var/lib/tandem/tandem.db: the disk is full"
                + " (SQLITE_FULL); reads still work; free space on the file system of /var/lib/tandem");
    }

    @Test
    void sqliteReadOnlyExtendedCode_isReadOnly() {
        StorageTrouble t = sqlite(new RuntimeException(new SQLiteException("moved", SQLiteErrorCode.SQLITE_READONLY_DBMOVED)));
        assertThat(t.cause()).isEqualTo(StorageTrouble.Cause.READ_ONLY);
        assertThat(t.message()).contains("the database is read-only (SQLITE_READONLY_DBMOVED); reads still work");
        assertThat(t.startMessage()).endsWith("then start it again").doesNotContain("reads still work");
    }

    @Test
    void databaseFileRefusedByPermissions_isNamedNotJustItsPath() {
        // What Database.open meets creating tandem.db in a directory another user owns: the exception's message is the path.
        Throwable e = new java.io.UncheckedIOException("cannot create the database file " + FILE,
                new java.nio.file.AccessDeniedException(FILE.toString()));
        StorageTrouble t = sqlite(e);
        assertThat(t.cause()).isEqualTo(StorageTrouble.Cause.READ_ONLY);
        assertThat(t.startMessage()).contains("/var/lib/tandem/tandem.db").contains("permission denied");
    }

    @Test
    void suppressedIoError_isFound() {
        RuntimeException outer = new RuntimeException("rollback failed");
        outer.addSuppressed(new SQLiteException("write", SQLiteErrorCode.SQLITE_IOERR_WRITE));
        // /var/lib/tandem does not exist here, so nothing sharpens the driver's code.
        assertThat(sqlite(outer).cause()).isEqualTo(StorageTrouble.Cause.IO_ERROR);
    }

    @Test
    void constraintAndBusy_areNotTheDisk() {
        assertThat(StorageTrouble.of(new SQLiteException("unique", SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE), Database.Kind.SQLITE, SQLITE, FILE))
                .isEmpty();
        assertThat(StorageTrouble.of(new SQLiteException("busy", SQLiteErrorCode.SQLITE_BUSY), Database.Kind.SQLITE, SQLITE, FILE)).isEmpty();
        assertThat(StorageTrouble.of(new IllegalStateException("bug"), Database.Kind.SQLITE, SQLITE, FILE)).isEmpty();
    }

    @Test
    void postgresqlStates_diskFullAndReadOnly_withoutCredentialsInTheMessage() {
        StorageTrouble full = StorageTrouble.of(new SQLException("could not extend file", "53100"), Database.Kind.POSTGRESQL, PG, null).orElseThrow();
        assertThat(full.message()).isEqualTo("Central cannot write its database jdbc:postgresql://db.example/tandem: the disk is full"
                + " (SQLState 53100); reads still work; free space on the PostgreSQL server's disk");
        StorageTrouble ro = StorageTrouble.of(new SQLException("read-only transaction", "25006"), Database.Kind.POSTGRESQL, PG, null).orElseThrow();
        assertThat(ro.cause()).isEqualTo(StorageTrouble.Cause.READ_ONLY);
        assertThat(StorageTrouble.of(new SQLException("io", "58030"), Database.Kind.POSTGRESQL, PG, null).orElseThrow().cause())
                .isEqualTo(StorageTrouble.Cause.IO_ERROR);
        assertThat(StorageTrouble.of(new SQLException("unique", "23505"), Database.Kind.POSTGRESQL, PG, null)).isEmpty();
        assertThat(StorageTrouble.of(new SQLException("connection refused", "08001"), Database.Kind.POSTGRESQL, PG, null)).isEmpty();
    }
}
