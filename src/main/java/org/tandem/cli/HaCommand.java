package org.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code tandem ha}: the Kea High Availability actions through the JSON-RPC commands SyncKeaHALeases, SetKeaHAScopes,
 * StartKeaHAMaintenance, CancelKeaHAMaintenance and ContinueKeaHA. Each prints the server, its HA state before, and
 * Kea's own answer.
 */
@Command(name = "ha", mixinStandardHelpOptions = true,
        description = "Kea High Availability actions on one server: sync leases, set scopes, maintenance start and cancel, continue.",
        subcommands = {HaCommand.Sync.class, HaCommand.Scopes.class, HaCommand.Maintenance.class, HaCommand.Continue.class})
public final class HaCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Sends {@code method} for {@code server} with {@code p} and prints the answer. */
    static void send(ClientOptions client, PrintWriter out, String method, String server, String comment, ObjectNode p) throws IOException {
        p.put("dhcpServerRef", server);
        if (comment != null) {
            p.put("saveComment", comment);
        }
        JsonNode r = client.connect().call(method, p);
        if (client.json) {
            client.print(out, r, null, Map.of());
            return;
        }
        String answer = r.path("answer").asText();
        out.println(r.path("server").asText() + " (" + r.path("command").asText() + ", was " + r.path("haStateBefore").asText() + "): "
                + (answer.isEmpty() ? "done" : answer));
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "ha-sync: SERVER fetches every lease of its HA partner (or --peer); blocks until done.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central or Kea refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Sync implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "The Kea server that fetches the leases: ref (dhcpServers/3) or name.") String server;
        @Option(names = "--peer", description = "HA name of the peer to fetch leases from (default: the partner).") String peer;
        @Option(names = "--max-period", description = "Longest time in seconds the peer's DHCP service stays disabled.") Long maxPeriod;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("ha sync", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = TandemClient.params();
                if (peer != null) {
                    p.put("peerName", peer);
                }
                if (maxPeriod != null) {
                    if (maxPeriod < 1) {
                        throw new ClientOptions.Usage("--max-period must be a positive number of seconds, not " + maxPeriod);
                    }
                    p.put("maxPeriod", maxPeriod);
                }
                send(client, out, "SyncKeaHALeases", server, comment, p);
            });
        }
    }

    @Command(name = "scopes", mixinStandardHelpOptions = true,
            description = "ha-scopes: the HA scopes SERVER serves from now on (--scope NAME, repeated; or --none).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central or Kea refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Scopes implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "Ref (dhcpServers/3) or name.") String server;
        @Option(names = "--scope", description = "A HA scope to serve: the HA name of a peer owning one (e.g. server1).") java.util.List<String> scopes;
        @Option(names = "--none", description = "Serve no scope at all.") boolean none;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("ha scopes", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                boolean some = scopes != null && !scopes.isEmpty();
                if (some == none) {
                    throw new ClientOptions.Usage(none ? "give either --scope or --none, not both"
                            : "give the scopes to serve with --scope NAME (repeated), or --none to serve none");
                }
                ObjectNode p = TandemClient.params();
                var list = p.putArray("scopes");
                if (some) {
                    scopes.forEach(list::add);
                }
                send(client, out, "SetKeaHAScopes", server, comment, p);
            });
        }
    }

    @Command(name = "maintenance", mixinStandardHelpOptions = true, description = "Starts or cancels HA maintenance.",
            subcommands = {HaCommand.MaintenanceStart.class, HaCommand.MaintenanceCancel.class})
    static final class Maintenance implements Runnable {
        @Spec CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getOut());
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "ha-maintenance-start: SERVER takes over; its partner goes to in-maintenance and may then be stopped.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central or Kea refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class MaintenanceStart implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "The Kea server that takes over: ref (dhcpServers/3) or name.") String server;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("ha maintenance start", spec.commandLine().getOut(), spec.commandLine().getErr(),
                    out -> send(client, out, "StartKeaHAMaintenance", server, comment, TandemClient.params()));
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true,
            description = "ha-maintenance-cancel: sent to the server in partner-in-maintenance; both go back to the states they left.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central or Kea refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class MaintenanceCancel implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "The Kea server that took over: ref (dhcpServers/3) or name.") String server;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("ha maintenance cancel", spec.commandLine().getOut(), spec.commandLine().getErr(),
                    out -> send(client, out, "CancelKeaHAMaintenance", server, comment, TandemClient.params()));
        }
    }

    @Command(name = "continue", mixinStandardHelpOptions = true,
            description = "ha-continue: resumes SERVER's HA state machine paused by its state-machine pause settings.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central or Kea refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Continue implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "Ref (dhcpServers/3) or name.") String server;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("ha continue", spec.commandLine().getOut(), spec.commandLine().getErr(),
                    out -> send(client, out, "ContinueKeaHA", server, comment, TandemClient.params()));
        }
    }
}
