package org.tandem.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tandem servers}: list, register, remove and sync DHCP servers. */
@Command(name = "servers", mixinStandardHelpOptions = true, description = "Lists, registers, removes and syncs DHCP servers.",
        subcommands = {ServersCommand.List.class, ServersCommand.Add.class, ServersCommand.Modify.class, ServersCommand.Remove.class,
                ServersCommand.Sync.class})
public final class ServersCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The columns of a server in a table: servers list, and the one row servers add prints. */
    static Map<String, String> columns() {
        Map<String, String> cols = new LinkedHashMap<>();
        cols.put("REF", "ref");
        cols.put("NAME", "name");
        cols.put("TYPE", "type");
        cols.put("ADDRESS", "address");
        cols.put("PORT", "port");
        cols.put("STATE", "state");
        return cols;
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the registered DHCP servers and their state.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class List implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Option(names = "--filter", description = "Micetro filter, e.g. type=Kea or name:lab") String filter;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("servers list", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = TandemClient.params();
                if (filter != null) {
                    p.put("filter", filter);
                }
                client.print(out, client.connect().call("GetDHCPServers", p), "dhcpServers", columns());
            });
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Registers a DHCP server and prints it as servers list does; Central imports its scopes and failover"
                    + " relationships within seconds.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Add implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Option(names = "--name", required = true, description = "A unique name.") String name;
        @Option(names = "--type", required = true, description = "ISC (dhcpd, through a tandem agent) or Kea (through its Control Agent).") String type;
        @Option(names = "--address", required = true, description = "Host name or IP address of the agent / Control Agent.") String address;
        @Option(names = "--port", description = "Port (default: 4151 for ISC, 8000 for Kea).") Integer port;
        @Option(names = "--agent-token", description = "The tandem agent's token (ISC, or $TANDEM_AGENT_TOKEN; or a Kea server reached through the tandem agent).") String agentToken;
        @Option(names = "--kea-user", description = "Control Agent basic-auth user (Kea).") String keaUser;
        @Option(names = "--kea-password", description = "Control Agent basic-auth password (Kea).") String keaPassword;
        @Option(names = "--tls", description = "Central talks HTTPS to the agent or Control Agent; it must trust the server's certificate (TrustedCertificates).") boolean tls;
        @Option(names = "--kea-hooks-location", description = "Kea: directory of libdhcp_ha.so and libdhcp_lease_cmds.so on that host,"
                + " tried first when a HA relationship is written (default: Central's KeaHooksLocation, then the usual places).")
        String keaHooksLocation;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("servers add", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                if (!type.equals("ISC") && !type.equals("Kea")) {
                    throw new ClientOptions.Usage("--type must be ISC or Kea, not \"" + type + "\"");
                }
                String token = agentToken != null ? agentToken : System.getenv("TANDEM_AGENT_TOKEN");
                ObjectNode s = TandemClient.params().put("name", name).put("type", type).put("address", address);
                if (port != null) {
                    s.put("port", port);
                }
                if (tls) {
                    s.put("useTls", true);
                }
                ObjectNode p = TandemClient.params();
                if (type.equals("ISC")) {
                    if (token == null) {
                        throw new ClientOptions.Usage("an ISC server needs --agent-token (or $TANDEM_AGENT_TOKEN): the token its tandem agent was started with");
                    }
                    s.put("agentToken", token);
                } else if (keaUser != null || keaPassword != null) {
                    s.put("username", keaUser).put("password", keaPassword);
                } else if (agentToken != null) {
                    // A Kea server reached through the Tandem agent next to it (tandem agent --kea-config).
                    s.put("agentToken", agentToken);
                }
                if (keaHooksLocation != null) {
                    if (!type.equals("Kea")) {
                        throw new ClientOptions.Usage("--kea-hooks-location is for a Kea server");
                    }
                    s.put("keaHooksLocation", keaHooksLocation);
                }
                p.set("dhcpServer", s);
                if (comment != null) {
                    p.put("saveComment", comment);
                }
                TandemClient c = client.connect();
                var result = c.call("AddDHCPServer", p);
                if (client.json) {
                    ClientOptions.printJson(out, result);
                    return;
                }
                // The answer is only the ref: the row comes from Central, so the table shows what it registered.
                client.print(out, c.call("GetDHCPServer", TandemClient.params().put("dhcpServerRef", result.path("ref").asText())),
                        "dhcpServer", columns());
            });
        }
    }

    @Command(name = "modify", mixinStandardHelpOptions = true,
            description = "Sets or clears a Kea server's own hook directory (the only property that changes after registration).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Modify implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "Ref (dhcpServers/3) or name.") String server;
        @Option(names = "--kea-hooks-location", description = "Directory of libdhcp_ha.so and libdhcp_lease_cmds.so on that host.") String keaHooksLocation;
        @Option(names = "--clear-kea-hooks-location", description = "Forget the server's own directory (Central's KeaHooksLocation applies).") boolean clear;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("servers modify", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                if ((keaHooksLocation == null) != clear) {
                    throw new ClientOptions.Usage("give either --kea-hooks-location DIR or --clear-kea-hooks-location");
                }
                ObjectNode p = TandemClient.params().put("dhcpServerRef", server);
                ObjectNode props = p.putObject("properties");
                if (clear) {
                    props.putNull("keaHooksLocation");
                } else {
                    props.put("keaHooksLocation", keaHooksLocation);
                }
                if (comment != null) {
                    p.put("saveComment", comment);
                }
                client.connect().call("ModifyDHCPServer", p);
                out.println(clear ? "Cleared the hook directory of " + server + "." : "Set the hook directory of " + server + " to " + keaHooksLocation + ".");
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Unregisters a DHCP server (it must have no scopes left).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Remove implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "Ref (dhcpServers/3) or name.") String server;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("servers remove", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = TandemClient.params().put("dhcpServerRef", server);
                if (comment != null) {
                    p.put("saveComment", comment);
                }
                client.connect().call("RemoveDHCPServer", p);
                out.println("Removed " + server + ".");
            });
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Imports a server's configuration now (changes made outside Tandem show up in the history)."
                    + " With --reload, a Kea server first re-reads its config file (config-reload).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Sync implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "Ref (dhcpServers/3) or name.") String server;
        @Option(names = "--reload", description = "Kea only: config-reload before the sync, after editing the file by hand.") boolean reload;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("servers sync", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                var result = client.connect().call(reload ? "ReloadDHCPServerConfiguration" : "SyncDHCPServer",
                        TandemClient.params().put("dhcpServerRef", server));
                if (client.json) {
                    client.print(out, result, null, Map.of());
                    return;
                }
                out.println("Synced " + result.path("server").asText() + ": " + result.path("created").asInt() + " created, "
                        + result.path("removed").asInt() + " removed.");
                result.path("relationships").forEach(r -> out.println("Failover relationship: " + r.asText()));
                result.path("warnings").forEach(w -> out.println("Warning: " + w.asText()));
            });
        }
    }
}
