package org.tandem.central;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.tandem.common.UserError;
import org.tandem.store.Database;
import org.tandem.store.SqliteBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tandem backup FILE}: a consistent copy of Central's embedded SQLite database, taken while Central runs. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Copies Central's embedded SQLite database to FILE while Central runs (a consistent snapshot of the last"
                + " commit), checks the copy and prints what it holds. Restore it with: tandem server --restore FILE.",
                "On PostgreSQL use pg_dump."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:the backup is written and checked", "1:the copy or its check failed (FILE is not written)",
                "2:refused: no database, FILE exists (without --force), or the database is PostgreSQL"})
public final class BackupCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The backup file to write (mode 0600); its directory must exist.")
    Path file;

    @Option(names = "--data", defaultValue = "./data", description = "Central's data directory, holding tandem.db (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(names = "--db", description = "The database's JDBC URL as given to tandem server, when not tandem.db in --data.")
    String db;

    @Option(names = "--force", description = "Replace FILE when it exists.")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path database;
        try {
            String url = db == null ? Database.embeddedUrl(data) : db;
            if (Database.kindOf(url) == Database.Kind.POSTGRESQL) {
                err.println("tandem backup: --db is PostgreSQL: back it up with pg_dump (e.g. pg_dump -Fc -f tandem.dump tandem);"
                        + " tandem backup copies the embedded SQLite database");
                return 2;
            }
            database = Database.sqliteFile(url);
        } catch (IllegalArgumentException e) {
            err.println("tandem backup: --db: " + e.getMessage());
            return 2;
        }
        try {
            SqliteBackup.Summary summary = SqliteBackup.backup(database, file, force);
            out.println("Backed up " + database.toAbsolutePath() + " to " + summary.describe());
            out.flush();
            return 0;
        } catch (UserError e) {
            err.println("tandem backup: " + e.getMessage());
            return e.kind() == UserError.Kind.CONFLICT || e.kind() == UserError.Kind.NOT_FOUND ? 2 : 1;
        }
    }
}
