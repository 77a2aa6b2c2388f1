package org.tandem.cli;

import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tandem login}: logs in to a Central and saves the session for the other client commands. */
@Command(name = "login", mixinStandardHelpOptions = true,
        description = {"Logs in to a Central and saves the session (in ~/.config/tandem/session.json, or $TANDEM_SESSION_FILE)"
                + " for the other client commands.",
                "The password is --password, else $TANDEM_PASSWORD, else asked on the terminal; with no terminal (a script,"
                + " a pipe) it is the first line of standard input. An empty password is refused (exit 2)."},
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
                if (console != null) {
                    char[] typed = console.readPassword("Password for %s: ", user);
                    password = typed == null ? "" : new String(typed);
                } else {
                    password = firstLine(System.in);
                }
            }
            if (password.isEmpty()) {
                throw new ClientOptions.Usage("the password is empty: type it when asked, pipe it in as one line,"
                        + " or set $TANDEM_PASSWORD or --password");
            }
            String url = client.baseUrl(null);
            TandemClient c = new TandemClient(URI.create(url), null);
            String session = c.login(user, password);
            ClientOptions.saveSession(url, user, session);
            out.println("Logged in to " + url + " as " + user + ".");
        });
    }

    /**
     * The password piped in, one line without its line end: a script's {@code echo "$pw" | tandem login}. Read byte by
     * byte so nothing after the line is consumed; the end of the input before any line gives the empty password.
     */
    static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
            line.write(b);
        }
        String text = line.toString(StandardCharsets.UTF_8);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
