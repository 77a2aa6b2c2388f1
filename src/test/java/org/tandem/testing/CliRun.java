package org.tandem.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.tandem.Main;
import org.tandem.central.TestCentral;

/** A {@code tandem} client command run in this JVM as a user types it: its exit code and what it printed. */
public record CliRun(int code, String out, String err) {

    /** Runs the command line as given. */
    public static CliRun run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Runs it signed in as {@code central}'s administrator for this command only, unless it names its own --user. */
    public static CliRun asAdministrator(TestCentral central, String... args) {
        if (List.of(args).contains("--user")) {
            return run(args);
        }
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(new String[] {"--url", central.base() + "/", "--user", "administrator", "--password", TestCentral.ADMIN_PASSWORD},
                0, all, args.length, 6);
        return run(all);
    }
}
