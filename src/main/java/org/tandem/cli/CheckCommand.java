package org.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tandem check}: the consistency check (CheckDHCPFailover). Central's store against both peers' configurations,
 * and the peers against each other; one line per difference, and exit code 5 when there is any, for scripts.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Compares Central's store with both peers' configurations, and the peers with each other; changes nothing.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:no difference", "1:Central refused the request (the message says why)",
                "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached",
                "5:differences found (each printed; tandem failover replicate repairs the secondary, a sync the store)"})
public final class CheckCommand implements Callable<Integer> {

    /** Exit code when the check found differences. */
    static final int DIFFERENCES = 5;

    @Mixin ClientOptions client;
    @Option(names = "--server", description = "Only this server's relationships (ref or name).") String server;
    @Option(names = "--relationship", description = "Only this relationship.") String relationship;
    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        AtomicInteger found = new AtomicInteger();
        int code = ClientOptions.run("check", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
            ObjectNode p = TandemClient.params();
            if (server != null) {
                p.put("dhcpServerRef", server);
            }
            if (relationship != null) {
                p.put("dhcpFailoverRelationshipName", relationship);
            }
            JsonNode r = client.connect().call("CheckDHCPFailover", p);
            found.set(r.path("totalResults").asInt());
            if (client.json) {
                client.print(out, r, null, Map.of());
                return;
            }
            for (JsonNode f : r.path("findings")) {
                String subnet = f.path("subnet").isTextual() ? " " + f.path("subnet").asText() : "";
                out.println(f.path("dhcpFailoverRelationshipName").asText() + subnet + " [" + f.path("kind").asText() + "] "
                        + f.path("message").asText());
            }
            out.println(found.get() == 0 ? "No differences: the store and both peers of every relationship agree."
                    : found.get() + " difference(s).");
        });
        return code == ClientOptions.OK && found.get() > 0 ? DIFFERENCES : code;
    }
}
