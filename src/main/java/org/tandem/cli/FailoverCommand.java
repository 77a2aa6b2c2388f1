package org.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tandem failover}: failover relationships through Micetro's command names (GetDHCPFailoverRelationships,
 * AddDHCPFailoverRelationship, ModifyDHCPFailoverRelationship, RemoveDHCPFailoverRelationships,
 * AddDHCPScopesToDHCPFailoverRelationship, RemoveDHCPScopesFromDHCPFailoverRelationship).
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Lists, shows, adds, modifies and removes failover relationships and their scopes (ISC dhcpd and Kea HA).",
        subcommands = {FailoverCommand.List.class, FailoverCommand.Show.class, FailoverCommand.Add.class, FailoverCommand.Modify.class,
                FailoverCommand.Remove.class, FailoverCommand.AddScopes.class, FailoverCommand.RemoveScopes.class,
                FailoverCommand.Replicate.class})
public final class FailoverCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options of every write: save comment and dry run. */
    static final class WriteOptions {
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Option(names = "--dry-run", description = "Check everything and print each server's config diff; change nothing.") boolean dryRun;

        ObjectNode apply(ObjectNode p) {
            if (comment != null) {
                p.put("saveComment", comment);
            }
            if (dryRun) {
                p.put("dryRun", true);
            }
            return p;
        }
    }

    /** The relationship's settings, all optional here (add checks the required ones). */
    static final class Settings {
        @Option(names = "--primary", description = "Primary server: ref or name.") String primary;
        @Option(names = "--secondary", description = "Secondary server: ref or name.") String secondary;
        @Option(names = "--mode", description = "LoadBalance, HotStandby (Kea also PassiveBackup).") String mode;
        @Option(names = "--percentage", description = "Share the primary serves in LoadBalance, 0-100.") Integer percentage;
        @Option(names = "--mclt", description = "ISC: maximum client lead time, seconds.") Integer mclt;
        @Option(names = "--port", description = "ISC: the primary's failover port.") Integer port;
        @Option(names = "--peer-port", description = "ISC: the secondary's failover port.") Integer peerPort;
        @Option(names = "--load-balance-max-seconds", description = "ISC: load balance max seconds.") Integer loadBalanceMaxSeconds;
        @Option(names = "--max-response-delay", description = "ISC: seconds; Kea: milliseconds.") Integer maxResponseDelay;
        @Option(names = "--max-unacked-updates", description = "ISC: max unacked updates.") Integer maxUnackedUpdates;

        ObjectNode toRpc(String name) {
            ObjectNode r = TandemClient.params().put("name", name);
            putIf(r, "primaryServer", primary);
            putIf(r, "secondaryServer", secondary);
            if (mode != null) {
                if (!mode.equals("LoadBalance") && !mode.equals("HotStandby") && !mode.equals("PassiveBackup")) {
                    throw new ClientOptions.Usage("--mode must be LoadBalance, HotStandby or PassiveBackup, not \"" + mode + "\"");
                }
                r.put("failoverMode", mode);
            }
            if (percentage != null && (percentage < 0 || percentage > 100)) {
                throw new ClientOptions.Usage("--percentage must be from 0 to 100, not " + percentage);
            }
            putIf(r, "percentage", percentage);
            putIf(r, "mclt", mclt);
            putIf(r, "port", port);
            putIf(r, "peerPort", peerPort);
            putIf(r, "loadBalanceMaxSeconds", loadBalanceMaxSeconds);
            putIf(r, "maxResponseDelay", maxResponseDelay);
            putIf(r, "maxUnackedUpdates", maxUnackedUpdates);
            return r;
        }

        private static void putIf(ObjectNode n, String key, Object v) {
            if (v instanceof String s) {
                n.put(key, s);
            } else if (v instanceof Integer i) {
                if (i < 0) {
                    throw new ClientOptions.Usage("--" + key + " must not be negative, not " + i);
                }
                n.put(key, i);
            }
        }
    }

    static String action(String a) {
        if (a == null) {
            return null;
        }
        if (!a.equals("None") && !a.equals("Disable") && !a.equals("Delete")) {
            throw new ClientOptions.Usage("--action must be None, Disable or Delete, not \"" + a + "\"");
        }
        return a;
    }

    /** Prints a write's answer: each server's config diff (always shown for a dry run), or "done". */
    static void printWrite(ClientOptions client, PrintWriter out, JsonNode result, String done) throws java.io.IOException {
        if (client.json) {
            client.print(out, result, null, Map.of());
            return;
        }
        boolean printed = false;
        for (JsonNode d : result.path("changes")) {
            out.println("--- " + d.path("server").asText());
            out.println(d.path("diff").asText());
            printed = true;
        }
        if (!printed) {
            out.println(done);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists failover relationships, optionally of one server.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class List implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Option(names = "--server", description = "Only relationships of this server (ref or name).") String server;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover list", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = TandemClient.params();
                if (server != null) {
                    p.put("dhcpServerRef", server);
                }
                Map<String, String> cols = new LinkedHashMap<>();
                cols.put("NAME", "name");
                cols.put("PRIMARY", "primaryServer");
                cols.put("SECONDARY", "secondaryServer");
                cols.put("MODE", "failoverMode");
                cols.put("STATE", "state");
                client.print(out, client.connect().call("GetDHCPFailoverRelationships", p), "dhcpFailoverRelationships", cols);
            });
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one relationship with its scopes and each peer's live state.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Show implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--server", required = true, description = "One of its servers (ref or name), as Micetro asks.") String server;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover show", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                JsonNode r = client.connect().call("GetDHCPFailoverRelationship",
                        TandemClient.params().put("dhcpServerRef", server).put("dhcpFailoverRelationshipName", name));
                client.print(out, r, null, Map.of());
            });
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Creates a relationship (ISC: Empty until its first scope; Kea: the HA block on both servers).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Add implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "NAME") String name;
        @Mixin Settings settings;
        @Mixin WriteOptions write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover add", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                if (settings.primary == null || settings.secondary == null) {
                    throw new ClientOptions.Usage("give --primary and --secondary (server refs or names)");
                }
                ObjectNode p = TandemClient.params();
                p.set("dhcpFailoverRelationship", settings.toRpc(name));
                printWrite(client, out, client.connect().call("AddDHCPFailoverRelationship", write.apply(p)),
                        "Added failover relationship " + name + ".");
            });
        }
    }

    @Command(name = "modify", mixinStandardHelpOptions = true, description = "Changes a relationship's settings on both servers.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Modify implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "NAME") String name;
        @Mixin Settings settings;
        @Mixin WriteOptions write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover modify", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode r = settings.toRpc(name);
                if (r.size() == 1) {
                    throw new ClientOptions.Usage("nothing to change: give at least one setting, e.g. --mclt 1800");
                }
                ObjectNode p = TandemClient.params();
                p.set("dhcpFailoverRelationship", r);
                printWrite(client, out, client.connect().call("ModifyDHCPFailoverRelationship", write.apply(p)),
                        "Modified failover relationship " + name + ".");
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Removes relationships, deconfiguring their scopes first.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Remove implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "NAME", arity = "1..*") java.util.List<String> names;
        @Option(names = "--server", description = "One of the relationships' servers (ref or name).") String server;
        @Option(names = "--action", description = "What happens to the secondary's scope instances: None, Disable or Delete.") String action;
        @Mixin WriteOptions write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover remove", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = TandemClient.params();
                ArrayNode items = p.putArray("dhcpRefAndFailoverRelationshipNames");
                for (String n : names) {
                    ObjectNode item = items.addObject().put("dhcpFailoverRelationshipName", n);
                    if (server != null) {
                        item.put("dhcpServerRef", server);
                    }
                }
                String a = action(action);
                if (a != null) {
                    p.put("dhcpFailoverRelationshipDeconfigureAction", a);
                }
                printWrite(client, out, client.connect().call("RemoveDHCPFailoverRelationships", write.apply(p)),
                        "Removed failover relationship(s) " + String.join(", ", names) + ".");
            });
        }
    }

    @Command(name = "add-scopes", mixinStandardHelpOptions = true,
            description = "Adds scopes to a relationship (each needs a pool); writes the peer declaration on both servers.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class AddScopes implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--scope", required = true, description = "Scope ref (dhcpScopes/12) or name; repeatable.") java.util.List<String> scopes;
        @Option(names = "--server", description = "One of the relationship's servers (ref or name).") String server;
        @Mixin WriteOptions write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover add-scopes", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = scopesParams(name, server, scopes);
                printWrite(client, out, client.connect().call("AddDHCPScopesToDHCPFailoverRelationship", write.apply(p)),
                        "Added " + scopes.size() + " scope(s) to " + name + ".");
            });
        }
    }

    @Command(name = "replicate", mixinStandardHelpOptions = true,
            description = "ReplicateDHCPFailover: makes the secondary's scopes and peer block what the primary has (see tandem check).",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Replicate implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "SERVER", description = "A server of the relationships to repair: ref (dhcpServers/3) or name.") String server;
        @Option(names = "--relationship", description = "Only this relationship.") String relationship;
        @Option(names = "--scope", description = "Only this scope (ref or name).") String scope;
        @Mixin WriteOptions write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover replicate", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = TandemClient.params().put("dhcpServerRef", server);
                if (relationship != null) {
                    p.put("dhcpFailoverRelationshipName", relationship);
                }
                if (scope != null) {
                    p.put("dhcpScopeRef", scope);
                }
                JsonNode r = client.connect().call("ReplicateDHCPFailover", write.apply(p));
                if (client.json) {
                    client.print(out, r, null, Map.of());
                    return;
                }
                for (JsonNode one : r.path("results")) {
                    printWrite(client, out, one, "Nothing to replicate: the secondary already has what the primary has.");
                }
            });
        }
    }

    @Command(name = "remove-scopes", mixinStandardHelpOptions = true, description = "Removes scopes from a relationship.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class RemoveScopes implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "NAME") String name;
        @Option(names = "--scope", required = true, description = "Scope ref (dhcpScopes/12) or name; repeatable.") java.util.List<String> scopes;
        @Option(names = "--server", description = "One of the relationship's servers (ref or name).") String server;
        @Option(names = "--action", defaultValue = "None",
                description = "What happens to the secondary's instance: None, Disable or Delete (default ${DEFAULT-VALUE}).") String action;
        @Mixin WriteOptions write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover remove-scopes", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = scopesParams(name, server, scopes).put("dhcpFailoverRelationshipDeconfigureAction", action(action));
                printWrite(client, out, client.connect().call("RemoveDHCPScopesFromDHCPFailoverRelationship", write.apply(p)),
                        "Removed " + scopes.size() + " scope(s) from " + name + ".");
            });
        }
    }

    private static ObjectNode scopesParams(String name, String server, java.util.List<String> scopes) {
        ObjectNode p = TandemClient.params().put("dhcpFailoverRelationshipName", name);
        if (server != null) {
            p.put("dhcpServerRef", server);
        }
        ArrayNode refs = p.putArray("dhcpScopeRefs");
        scopes.forEach(refs::add);
        return p;
    }
}
