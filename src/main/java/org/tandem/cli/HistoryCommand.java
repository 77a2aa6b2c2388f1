package org.tandem.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code tandem history}: the change history, newest first. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "Shows the change history, newest first (changes made outside Tandem appear as user \"tandem\" after a sync).",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:done", "1:Central refused the request (the message says why)",
                "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"})
public final class HistoryCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client;

    @Option(names = "--filter", description = "Micetro filter, e.g. user=tandem or objType=DHCPScope") String filter;

    @Option(names = "--limit", defaultValue = "50", description = "At most this many entries (default ${DEFAULT-VALUE}).") int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return ClientOptions.run("history", spec.commandLine().getOut(), spec.commandLine().getErr(), out -> {
            if (limit < 1 || limit > 10_000) {
                throw new ClientOptions.Usage("--limit must be from 1 to 10000, not " + limit);
            }
            ObjectNode p = TandemClient.params().put("limit", limit).put("sortOrder", "Descending");
            if (filter != null) {
                p.put("filter", filter);
            }
            Map<String, String> cols = new LinkedHashMap<>();
            cols.put("TIME", "timestamp");
            cols.put("USER", "user");
            cols.put("ACTION", "action");
            cols.put("OBJECT", "objRef");
            cols.put("COMMENT", "saveComment");
            client.print(out, client.connect().call("GetChangeHistory", p), "changes", cols);
        });
    }
}
