package org.tandem.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.tandem.auth.Actor;
import org.tandem.http.Json;
import org.tandem.http.rpc.RpcDispatcher;
import org.tandem.web.View.ServerDiff;

/**
 * The web UI's one way to change failover relationships: the failover service's JSON-RPC commands (Micetro's names and
 * parameters), run in-process. The UI never repeats their checks or their config logic; it shows their dry-run diffs.
 */
final class FailoverRpc {

    /** What a command answered: each server's config diff (from a dry run) and the whole answer. */
    record Answer(List<ServerDiff> diffs, JsonNode result) {}

    private final RpcDispatcher rpc;

    FailoverRpc(RpcDispatcher rpc) {
        this.rpc = rpc;
    }

    boolean installed() {
        return rpc.has("AddDHCPFailoverRelationship");
    }

    /** Runs {@code method} with {@code params}, adding {@code dryRun} and (when writing) {@code saveComment}. */
    Answer call(Actor actor, String method, ObjectNode params, boolean dryRun, String saveComment) {
        params.put("dryRun", dryRun);
        if (!dryRun && saveComment != null && !saveComment.isBlank()) {
            params.put("saveComment", saveComment);
        }
        JsonNode result = rpc.call(actor, method, params);
        List<ServerDiff> diffs = new ArrayList<>();
        collectDiffs(result, diffs);
        return new Answer(diffs, result);
    }

    static ObjectNode params() {
        return Json.MAPPER.createObjectNode();
    }

    /**
     * Finds every {@code {server..., diff}} object in a dry-run answer, wherever the command put it (a list of
     * per-server diffs, or a map from server name to diff text).
     */
    static void collectDiffs(JsonNode node, List<ServerDiff> out) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            JsonNode diff = node.get("diff");
            if (diff != null && diff.isTextual()) {
                out.add(new ServerDiff(serverName(node), diff.textValue()));
                return;
            }
            JsonNode diffs = node.get("diffs");
            if (diffs != null && diffs.isObject()) {
                for (Map.Entry<String, JsonNode> e : diffs.properties()) {
                    if (e.getValue().isTextual()) {
                        out.add(new ServerDiff(e.getKey(), e.getValue().textValue()));
                    } else {
                        collectDiffs(e.getValue(), out);
                    }
                }
                return;
            }
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                collectDiffs(e.getValue(), out);
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectDiffs(n, out));
        }
    }

    private static String serverName(JsonNode node) {
        for (String key : List.of("server", "serverName", "dhcpServer", "name", "dhcpServerRef")) {
            JsonNode v = node.get(key);
            if (v != null && v.isTextual()) {
                return v.textValue();
            }
        }
        return "(server)";
    }
}
