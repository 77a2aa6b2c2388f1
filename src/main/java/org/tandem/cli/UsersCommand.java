package org.tandem.cli;

import java.io.Console;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tandem users}: Central's users; today the password change. */
@Command(name = "users", mixinStandardHelpOptions = true, description = "Manages Central's users.",
        subcommands = {UsersCommand.Passwd.class})
public final class UsersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = {"Changes a password. Without USER (or with one's own name) it changes one's own password, giving the"
                    + " current one: --password or $TANDEM_PASSWORD, else asked on the terminal, else the first line of standard"
                    + " input. With another USER an administrator sets that user's password (ModifyUser; it ends that user's sessions).",
                    "The new password is $TANDEM_NEW_PASSWORD, else asked twice on the terminal, else the next line of standard input."
                    + " It must be at least 12 characters, not only spaces, not the user's name and not a common password."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Passwd implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(arity = "0..1", paramLabel = "USER", description = "Whose password (default: one's own).") String target;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("users passwd", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                String me = client.currentUser();
                boolean own = target == null || target.equals(me);
                if (own && me == null) {
                    throw new ClientOptions.Usage("not logged in: run tandem login first, or give --user");
                }
                Console console = System.console();
                String old = null;
                if (own) {
                    old = client.password();
                    if (old == null) {
                        old = console != null ? read(console, "Current password for " + me + ": ") : LoginCommand.firstLine(System.in);
                    }
                    if (old.isEmpty()) {
                        throw new ClientOptions.Usage("the current password is empty");
                    }
                }
                String fresh = newPassword(console, own ? me : target);
                TandemClient c = client.connect();
                if (own) {
                    c.call("ChangePassword", TandemClient.params().put("oldPassword", old).put("newPassword", fresh));
                    out.println("Changed the password of " + me + "; its other sessions have ended.");
                } else {
                    var p = TandemClient.params().put("userRef", target);
                    p.putObject("user").put("password", fresh);
                    c.call("ModifyUser", p);
                    out.println("Set the password of " + target + "; its sessions have ended.");
                }
            });
        }

        private static String newPassword(Console console, String whose) throws IOException {
            String env = System.getenv("TANDEM_NEW_PASSWORD");
            if (env != null && !env.isEmpty()) {
                return env;
            }
            if (console == null) {
                String line = LoginCommand.firstLine(System.in);
                if (line.isEmpty()) {
                    throw new ClientOptions.Usage("the new password is empty: set $TANDEM_NEW_PASSWORD or pipe it in as a line");
                }
                return line;
            }
            String first = read(console, "New password for " + whose + ": ");
            if (!first.equals(read(console, "The new password again: "))) {
                throw new ClientOptions.Usage("the two new passwords differ; nothing was changed");
            }
            return first;
        }

        private static String read(Console console, String prompt) {
            char[] typed = console.readPassword("%s", prompt);
            return typed == null ? "" : new String(typed);
        }
    }
}
