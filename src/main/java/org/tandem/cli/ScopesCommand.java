package org.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tandem scopes}: list, add and remove DHCP scopes (a range served by one server). */
@Command(name = "scopes", mixinStandardHelpOptions = true, description = "Lists, adds and removes DHCP scopes.",
        subcommands = {ScopesCommand.List.class, ScopesCommand.Add.class, ScopesCommand.Remove.class})
public final class ScopesCommand implements Runnable {

    /** Micetro's "object not found" error code. */
    private static final int NOT_FOUND = 2049;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists scopes (one line per server instance).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class List implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Option(names = "--filter", description = "Micetro filter, e.g. name:office") String filter;
        @Option(names = "--limit", defaultValue = "1000", description = "At most this many (default ${DEFAULT-VALUE}).") int limit;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("scopes list", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = TandemClient.params().put("limit", limit);
                if (filter != null) {
                    p.put("filter", filter);
                }
                Map<String, String> cols = new LinkedHashMap<>();
                cols.put("REF", "ref");
                cols.put("NAME", "name");
                cols.put("FROM", "from");
                cols.put("TO", "to");
                cols.put("SERVER", "dhcpServerRef");
                cols.put("ENABLED", "enabled");
                client.print(out, client.connect().call("GetDHCPScopes", p), "dhcpScopes", cols);
            });
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds a scope for a subnet on a server (with its range when the subnet is new), with optional pools;"
                    + " with --failover, in that failover relationship too (all of it or nothing).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Add implements Callable<Integer> {
        private static final Pattern POOL = Pattern.compile("([0-9.]+)-([0-9.]+)");

        @Mixin ClientOptions client;
        @Option(names = "--subnet", required = true, description = "The subnet in CIDR, e.g. 10.1.2.0/24.") String subnet;
        @Option(names = "--server", required = true, description = "The server: ref (dhcpServers/3) or name.") String server;
        @Option(names = "--name", description = "The scope's name (default: the range's).") String name;
        @Option(names = "--pool", description = "An address pool FROM-TO, e.g. 10.1.2.100-10.1.2.199; repeatable.") java.util.List<String> pools;
        @Option(names = "--failover", paramLabel = "NAME", description = "Add the scope to this failover relationship of --server"
                + " (needs a --pool); the failover settings are written to both servers.") String failover;
        @Mixin ClientOptions.Write write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("scopes add", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                if (!subnet.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}")) {
                    throw new ClientOptions.Usage("--subnet must be an IPv4 subnet in CIDR like 10.1.2.0/24, not \"" + subnet + "\"");
                }
                java.util.List<String[]> blocks = new java.util.ArrayList<>();
                for (String pool : pools == null ? java.util.List.<String>of() : pools) {
                    Matcher m = POOL.matcher(pool);
                    if (!m.matches()) {
                        throw new ClientOptions.Usage("--pool must be FROM-TO like 10.1.2.100-10.1.2.199, not \"" + pool + "\"");
                    }
                    blocks.add(new String[] {m.group(1), m.group(2)});
                }
                if (failover != null && blocks.isEmpty()) {
                    throw new ClientOptions.Usage("--failover needs at least one --pool FROM-TO: a scope joins a failover relationship"
                            + " only with an address pool");
                }
                TandemClient c = client.connect();
                ObjectNode p = TandemClient.params();
                ObjectNode scope = p.putObject("dhcpScope").put("dhcpServerRef", server);
                String rangeRef = rangeRef(c, subnet);
                if (rangeRef != null) {
                    scope.put("rangeRef", rangeRef);
                } else {
                    // A new range is made in the scope's write: a dry run can show it, and a refused scope leaves no range behind.
                    p.putObject("range").put("subnet", subnet);
                }
                if (name != null) {
                    scope.put("name", name);
                }
                // The pools go with the scope: one configuration change on the server, not one per pool.
                var given = p.putArray("dhcpAddressPools");
                for (String[] b : blocks) {
                    given.addObject().put("from", b[0]).put("to", b[1]);
                }
                if (failover != null) {
                    p.put("dhcpFailoverRelationshipName", failover);
                }
                JsonNode answer = c.call("AddDHCPScope", write.apply(p));
                StringBuilder done = new StringBuilder("Added scope " + answer.path("ref").asText() + " for " + subnet + " on " + server
                        + (failover == null ? "." : " in failover relationship " + failover + "."));
                for (String[] b : blocks) {
                    done.append(System.lineSeparator()).append("Added pool ").append(b[0]).append('-').append(b[1]).append('.');
                }
                client.printWrite(out, write.dryRun, answer, done.toString());
            });
        }

        /** The ref of the subnet's range in IPAM, or null when there is none yet. */
        private static String rangeRef(TandemClient c, String subnet) {
            try {
                return c.call("GetRange", TandemClient.params().put("rangeRef", subnet)).path("range").path("ref").asText();
            } catch (TandemClient.RpcError notFound) {
                if (notFound.code() != NOT_FOUND) {
                    throw notFound;
                }
                return null;
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Removes a scope instance with its pools and reservations (not while it is in a failover relationship).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Remove implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SCOPE", description = "Ref (dhcpScopes/12) or a name only one scope has.") String scope;
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("scopes remove", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = TandemClient.params().put("dhcpScopeRef", scope);
                if (comment != null) {
                    p.put("saveComment", comment);
                }
                client.connect().call("RemoveDHCPScope", p);
                out.println("Removed " + scope + ".");
            });
        }
    }
}
