package org.tandem.cli;

import java.io.Console;
import java.net.URI;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tandem login}: logs in to a Central and saves the session for the other client commands. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = "Logs in to a Central and saves the session (in ~/.config/tandem/session.json, or $TANDEM_SESSION_FILE)"
                + " for the other client commands.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
public final class LoginCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ClientOptions.run("login", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
            String user = client.user == null ? "administrator" : client.user;
            String password = client.password();
            if (password == null) {
                Console console = System.console();
                if (console == null) {
                    throw new ClientOptions.Usage("give --password or set $TANDEM_PASSWORD (no terminal to ask on)");
                }
                char[] typed = console.readPassword("Password for %s: ", user);
                password = typed == null ? "" : new String(typed);
            }
            String url = client.baseUrl(null);
            TandemClient c = new TandemClient(URI.create(url), null);
            String session = c.login(user, password);
            ClientOptions.saveSession(url, user, session);
            out.println("Logged in to " + url + " as " + user + ".");
        });
    }
}
