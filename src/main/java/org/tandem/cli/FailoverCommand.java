package org.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tandem.net.Ipv4Address;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tandem failover}: failover relationships through Micetro's command names (GetDHCPFailoverRelationships,
 * AddDHCPFailoverRelationship, ModifyDHCPFailoverRelationship, RemoveDHCPFailoverRelationships,
 * AddDHCPScopesToDHCPFailoverRelationship, RemoveDHCPScopesFromDHCPFailoverRelationship), and Tandem's own
 * MigrateDHCPFailoverRelationshipToKea.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "Lists, shows, adds, modifies and removes failover relationships and their scopes (ISC dhcpd and Kea HA).",
        subcommands = {FailoverCommand.List.class, FailoverCommand.Show.class, FailoverCommand.Add.class, FailoverCommand.Modify.class,
                FailoverCommand.Remove.class, FailoverCommand.AddScopes.class, FailoverCommand.RemoveScopes.class,
                FailoverCommand.Replicate.class, FailoverCommand.Migrate.class})
public final class FailoverCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The relationship's settings, all optional here (add checks the required ones). Each value is checked here
     * against the range Central accepts, so a typo is named by its option at once; Central checks again.
     */
    static final class Settings {
        @Option(names = "--primary", description = "Primary server: ref or name.") String primary;
        @Option(names = "--secondary", description = "Secondary server: ref or name.") String secondary;
        @Option(names = "--mode", description = "LoadBalance, HotStandby (Kea also PassiveBackup).") String mode;
        @Option(names = "--percentage", description = "Share the primary serves in LoadBalance, 0-100.") Integer percentage;
        @Option(names = "--mclt", paramLabel = "SECONDS", description = "ISC: maximum client lead time, 1-31536000 seconds.") Integer mclt;
        @Option(names = "--port", description = "ISC: the primary's failover port, 1-65535.") Integer port;
        @Option(names = "--peer-port", paramLabel = "PORT", description = "ISC: the secondary's failover port, 1-65535.") Integer peerPort;
        @Option(names = "--load-balance-max-seconds", paramLabel = "SECONDS", description = "ISC: load balance max seconds, 0-65535.")
        Integer loadBalanceMaxSeconds;
        @Option(names = "--max-response-delay", paramLabel = "N", description = "ISC: 1-86400 seconds; Kea: 1-65535 milliseconds.")
        Integer maxResponseDelay;
        @Option(names = "--max-unacked-updates", paramLabel = "N", description = "ISC: max unacked updates, 1-65535.") Integer maxUnackedUpdates;
        @Option(names = "--address", paramLabel = "IPV4", description = "ISC: the primary's failover address, when dhcpd talks failover"
                + " on another address than the one the server is registered with.") String address;
        @Option(names = "--peer-address", paramLabel = "IPV4", description = "ISC: the secondary's failover address (likewise).")
        String peerAddress;
        @Option(names = "--heartbeat-delay", paramLabel = "MS", description = "Kea: milliseconds between heartbeats, 1-65535.")
        Integer heartbeatDelay;
        @Option(names = "--max-ack-delay", paramLabel = "MS", description = "Kea: milliseconds a client may go unanswered before it"
                + " counts as unacked, 1-65535.") Integer maxAckDelay;
        @Option(names = "--max-unacked-clients", paramLabel = "N", description = "Kea: unacked clients that make the partner take over,"
                + " 0-65535.") Integer maxUnackedClients;
        @Option(names = "--auto-failover", arity = "1", paramLabel = "true|false",
                description = "Kea: a peer goes to partner-down by itself when its partner fails (true), or waits for an administrator.")
        Boolean autoFailover;

        ObjectNode toRpc(String name) {
            ObjectNode r = TandemClient.params().put("name", name);
            text(r, "primaryServer", primary);
            text(r, "secondaryServer", secondary);
            if (mode != null) {
                if (!mode.equals("LoadBalance") && !mode.equals("HotStandby") && !mode.equals("PassiveBackup")) {
                    throw new ClientOptions.Usage("--mode must be LoadBalance, HotStandby or PassiveBackup, not \"" + mode + "\"");
                }
                r.put("failoverMode", mode);
            }
            oneKind();
            number(r, "percentage", "--percentage", percentage, 0, 100);
            number(r, "mclt", "--mclt", mclt, 1, 31_536_000);
            number(r, "port", "--port", port, 1, 65_535);
            number(r, "peerPort", "--peer-port", peerPort, 1, 65_535);
            number(r, "loadBalanceMaxSeconds", "--load-balance-max-seconds", loadBalanceMaxSeconds, 0, 65_535);
            // Seconds on dhcpd, milliseconds on Kea: the kind is Central's to know, so only the wider bound is checked here.
            number(r, "maxResponseDelay", "--max-response-delay", maxResponseDelay, 1, 86_400);
            number(r, "maxUnackedUpdates", "--max-unacked-updates", maxUnackedUpdates, 1, 65_535);
            address(r, "primaryAddress", "--address", address);
            address(r, "secondaryAddress", "--peer-address", peerAddress);
            number(r, "heartbeatDelay", "--heartbeat-delay", heartbeatDelay, 1, 65_535);
            number(r, "maxAckDelay", "--max-ack-delay", maxAckDelay, 1, 65_535);
            number(r, "maxUnackedClients", "--max-unacked-clients", maxUnackedClients, 0, 65_535);
            if (autoFailover != null) {
                r.put("autoFailover", autoFailover);
            }
            return r;
        }

        /** A relationship is dhcpd failover or Kea HA, never both: options of both kinds together are a mistake. */
        private void oneKind() {
            String isc = first(new String[] {"--mclt", "--port", "--peer-port", "--load-balance-max-seconds", "--max-unacked-updates",
                    "--address", "--peer-address"}, mclt, port, peerPort, loadBalanceMaxSeconds, maxUnackedUpdates, address, peerAddress);
            String kea = first(new String[] {"--heartbeat-delay", "--max-ack-delay", "--max-unacked-clients", "--auto-failover"},
                    heartbeatDelay, maxAckDelay, maxUnackedClients, autoFailover);
            if (isc != null && kea != null) {
                throw new ClientOptions.Usage(isc + " is an ISC dhcpd failover setting and " + kea + " a Kea HA one;"
                        + " a relationship is one or the other");
            }
        }

        private static String first(String[] options, Object... values) {
            for (int i = 0; i < values.length; i++) {
                if (values[i] != null) {
                    return options[i];
                }
            }
            return null;
        }

        private static void text(ObjectNode n, String key, String v) {
            if (v != null) {
                n.put(key, v);
            }
        }

        private static void number(ObjectNode n, String key, String option, Integer v, int min, int max) {
            if (v == null) {
                return;
            }
            if (v < min || v > max) {
                throw new ClientOptions.Usage(option + " must be from " + min + " to " + max + ", not " + v);
            }
            n.put(key, v);
        }

        private static void address(ObjectNode n, String key, String option, String v) {
            if (v == null) {
                return;
            }
            if (!Ipv4Address.isValid(v)) {
                throw new ClientOptions.Usage(option + " must be an IPv4 address like 192.0.2.10, not \"" + v + "\"");
            }
            n.put(key, v);
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

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Shows one relationship as tables: its servers and state, its settings, each peer's live state, its scopes.",
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
                JsonNode answer = client.connect().call("GetDHCPFailoverRelationship",
                        TandemClient.params().put("dhcpServerRef", server).put("dhcpFailoverRelationshipName", name));
                if (client.json) {
                    ClientOptions.printJson(out, answer);
                    return;
                }
                JsonNode r = answer.path("dhcpFailoverRelationship");
                Map<String, String> cols = new LinkedHashMap<>();
                cols.put("NAME", "name");
                cols.put("TYPE", "serverType");
                cols.put("PRIMARY", "primaryServer");
                cols.put("SECONDARY", "secondaryServer");
                cols.put("MODE", "failoverMode");
                cols.put("STATE", "state");
                ClientOptions.table(out, TandemClient.json().createArrayNode().add(r), cols);
                out.println();
                Map<String, String> settings = new LinkedHashMap<>();
                settings.put("SETTING", "setting");
                settings.put("VALUE", "value");
                ClientOptions.table(out, settingRows(r), settings);
                out.println();
                Map<String, String> peers = new LinkedHashMap<>();
                peers.put("SERVER", "server");
                peers.put("ROLE", "role");
                peers.put("STATE", "state");
                peers.put("PARTNER STATE", "partnerState");
                peers.put("SINCE", "since");
                peers.put("REACHABLE", "reachable");
                ClientOptions.table(out, r.path("peerStates"), peers);
                out.println();
                ArrayNode scopes = TandemClient.json().createArrayNode();
                r.path("dhcpScopeRefs").forEach(ref -> scopes.addObject().set("ref", ref));
                ClientOptions.table(out, scopes, Map.of("SCOPE", "ref"));
            });
        }

        /** The settings the relationship's kind has, named as the options that set them. */
        private static ArrayNode settingRows(JsonNode r) {
            Map<String, String> names = new LinkedHashMap<>();
            names.put("percentage", "percentage");
            if (r.path("serverType").asText().equals("Kea")) {
                // A Kea pair stores 0 for dhcpd's settings and never writes them; showing them would mislead.
                names.put("max-response-delay (ms)", "maxResponseDelay");
                names.put("heartbeat-delay (ms)", "heartbeatDelay");
                names.put("max-ack-delay (ms)", "maxAckDelay");
                names.put("max-unacked-clients", "maxUnackedClients");
                names.put("auto-failover", "autoFailover");
            } else {
                names.put("mclt (s)", "mclt");
                names.put("port", "port");
                names.put("peer-port", "peerPort");
                names.put("load-balance-max-seconds", "loadBalanceMaxSeconds");
                names.put("max-response-delay (s)", "maxResponseDelay");
                names.put("max-unacked-updates", "maxUnackedUpdates");
                names.put("address", "primaryAddress");
                names.put("peer-address", "secondaryAddress");
            }
            ArrayNode rows = TandemClient.json().createArrayNode();
            names.forEach((option, field) -> {
                JsonNode v = r.path(field);
                if (!v.isMissingNode() && !v.isNull()) {
                    rows.addObject().put("setting", option).set("value", v);
                }
            });
            return rows;
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
        @Mixin ClientOptions.Write write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover add", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                if (settings.primary == null || settings.secondary == null) {
                    throw new ClientOptions.Usage("give --primary and --secondary (server refs or names)");
                }
                ObjectNode p = TandemClient.params();
                p.set("dhcpFailoverRelationship", settings.toRpc(name));
                client.printWrite(out, write.dryRun, client.connect().call("AddDHCPFailoverRelationship", write.apply(p)),
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
        @Mixin ClientOptions.Write write;
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
                client.printWrite(out, write.dryRun, client.connect().call("ModifyDHCPFailoverRelationship", write.apply(p)),
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
        @Mixin ClientOptions.Write write;
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
                client.printWrite(out, write.dryRun, client.connect().call("RemoveDHCPFailoverRelationships", write.apply(p)),
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
        @Mixin ClientOptions.Write write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover add-scopes", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = scopesParams(name, server, scopes);
                client.printWrite(out, write.dryRun, client.connect().call("AddDHCPScopesToDHCPFailoverRelationship", write.apply(p)),
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
        @Mixin ClientOptions.Write write;
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
                client.printWrite(out, write.dryRun, client.connect().call("ReplicateDHCPFailover", write.apply(p)),
                        "Replicated: the secondary has what the primary has.");
            });
        }
    }

    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"MigrateDHCPFailoverRelationshipToKea: moves a dhcpd failover relationship to two Kea servers, leases and all, "
                    + "one peer at a time so clients are always answered.",
                    "Run it with --dry-run first: it prints each Kea server's diff, the cut-over steps, the leases to carry and every "
                    + "dhcpd.conf statement Kea cannot express, by line; the migration refuses to run until each such line is accepted "
                    + "with --accept."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                    "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
    static final class Migrate implements Callable<Integer> {
        @Mixin ClientOptions client;
        @Parameters(paramLabel = "NAME", description = "The dhcpd failover relationship.") String name;
        @Option(names = "--to", required = true, split = ",", paramLabel = "KEA_A,KEA_B", description = "The two Kea servers (ref or "
                + "name): the first replaces the dhcpd primary, the second the secondary.") java.util.List<String> to;
        @Option(names = "--accept", split = ",", paramLabel = "LINE", description = "A dhcpd.conf line the dry run lists as unexpressed, "
                + "accepted to be left behind; repeatable or comma-separated.") java.util.List<Integer> accept;
        @Mixin ClientOptions.Write write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover migrate", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                if (to.size() != 2) {
                    throw new ClientOptions.Usage("--to takes exactly two Kea servers, e.g. --to kea-a,kea-b");
                }
                ObjectNode p = TandemClient.params().put("dhcpFailoverRelationshipName", name);
                ArrayNode servers = p.putArray("keaServerRefs");
                to.forEach(servers::add);
                if (accept != null) {
                    ArrayNode lines = p.putArray("acceptUnexpressedLines");
                    accept.forEach(lines::add);
                }
                JsonNode r = client.connect().call("MigrateDHCPFailoverRelationshipToKea", write.apply(p));
                if (!client.json) {
                    printMigration(out, r);
                }
                client.printWrite(out, write.dryRun, r, "Migrated " + name + " to " + String.join(" and ", to) + ".");
            });
        }

        private static void printMigration(java.io.PrintWriter out, JsonNode r) {
            for (JsonNode u : r.path("unexpressed")) {
                out.println((u.path("accepted").asBoolean() ? "accepted:    line " : "unexpressed: line ") + u.path("line").asInt() + ": "
                        + u.path("statement").asText() + " (" + u.path("reason").asText() + ")");
            }
            int i = 1;
            for (JsonNode s : r.path(r.path("dryRun").asBoolean() ? "plannedSteps" : "steps")) {
                out.println((i++) + ". " + s.asText());
            }
            JsonNode l = r.path("leases");
            out.println("leases: " + l.path("carried").asInt() + " carried" + (l.path("carriedDuringCutOver").asInt() > 0
                    ? ", " + l.path("carriedDuringCutOver").asInt() + " more during the cut-over" : "") + ", " + l.path("skipped").size() + " skipped");
            for (JsonNode s : l.path("skipped")) {
                out.println("  skipped " + s.path("address").asText() + ": " + s.path("reason").asText());
            }
            JsonNode v = r.path("verification");
            if (!v.isMissingNode()) {
                out.println("verification: " + (v.path("passed").asBoolean() ? "passed" : "FAILED") + "; " + v.path("reservations").asInt()
                        + " reservation(s), " + v.path("leases").asInt() + " lease(s) checked on both; HA " + v.path("haStates"));
                v.path("missingReservations").forEach(m -> out.println("  missing reservation " + m.asText()));
                v.path("missingLeases").forEach(m -> out.println("  missing lease " + m.asText()));
            }
            r.path("warnings").forEach(w -> out.println("warning: " + w.asText()));
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
        @Mixin ClientOptions.Write write;
        @Spec CommandSpec spec;

        @Override
        public Integer call() {
            return ClientOptions.run("failover remove-scopes", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
                ObjectNode p = scopesParams(name, server, scopes).put("dhcpFailoverRelationshipDeconfigureAction", action(action));
                client.printWrite(out, write.dryRun, client.connect().call("RemoveDHCPScopesFromDHCPFailoverRelationship", write.apply(p)),
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
