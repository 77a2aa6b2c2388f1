package org.tandem.kea.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Values a subnet or shared network inherits, kept inherited when Tandem sends a configuration back to Kea.
 *
 * <p>Kea 2.2 derives a few parameters into every shared network and subnet when it parses a configuration, and
 * {@code config-get} prints them there as if they had been written there (seen on Kea 2.2.0: a subnet without any
 * of them reads back with all of them). Sent back as they are, they become explicit: a later change of the global
 * value no longer reaches the subnet. So before a {@code config-set}, a subnet's (or shared network's) value is
 * dropped when it equals the value it would inherit and the change did not touch it; Kea derives the same value
 * again, and from then on follows its parent.
 *
 * <p>What this cannot tell apart: a value written explicitly in a subnet that happens to equal its parent's. It is
 * dropped too; it means the same until the parent changes. docs/kea-engine.md says so; the agent next to Kea edits
 * the file itself and has no such limit.
 */
public final class KeaInheritance {

    /** The parameters Kea 2.2 prints into every shared network and subnet (config-get of a config that sets none). */
    static final List<String> DERIVED = List.of("valid-lifetime", "min-valid-lifetime", "max-valid-lifetime", "renew-timer",
            "rebind-timer", "t1-percent", "t2-percent", "calculate-tee-times", "store-extended-info");

    private KeaInheritance() {
    }

    /**
     * A copy of {@code planned} to send to Kea: derived values its subnets and shared networks only inherit are
     * removed. {@code read} is the configuration the plan was made on (as config-get printed it).
     */
    public static KeaConfigDocument unpinned(KeaConfigDocument planned, KeaConfigDocument read) {
        KeaConfigDocument out = planned.copy();
        ObjectNode plannedGlobal = out.dhcp4();
        ObjectNode readGlobal = read.dhcp4();
        Map<String, ObjectNode> readNetworks = new HashMap<>();
        Map<String, ObjectNode> readSubnets = new HashMap<>();
        readGlobal.path("shared-networks").forEach(n -> {
            if (n instanceof ObjectNode o) {
                readNetworks.put(o.path("name").asText(), o);
                o.path("subnet4").forEach(s -> readSubnets.put(key(o, s), s instanceof ObjectNode so ? so : null));
            }
        });
        readGlobal.path("subnet4").forEach(s -> readSubnets.put(key(null, s), s instanceof ObjectNode so ? so : null));

        for (JsonNode n : plannedGlobal.path("shared-networks")) {
            if (!(n instanceof ObjectNode net)) {
                continue;
            }
            ObjectNode readNet = readNetworks.get(net.path("name").asText());
            // Subnets first: they compare with their network's values before those are dropped.
            for (JsonNode s : net.path("subnet4")) {
                if (s instanceof ObjectNode subnet) {
                    drop(subnet, readSubnets.get(key(net, s)), net, plannedGlobal, readNet, readGlobal);
                }
            }
            drop(net, readNet, plannedGlobal, null, readGlobal, null);
        }
        for (JsonNode s : plannedGlobal.path("subnet4")) {
            if (s instanceof ObjectNode subnet) {
                drop(subnet, readSubnets.get(key(null, s)), plannedGlobal, null, readGlobal, null);
            }
        }
        return out;
    }

    /**
     * Removes from {@code node} each derived value that it inherits: unchanged since the read and equal to what its
     * parent gave it then (a node new in the plan: equal to what its parent gives it now).
     */
    private static void drop(ObjectNode node, ObjectNode readNode, ObjectNode parent, ObjectNode grandParent,
                             ObjectNode readParent, ObjectNode readGrandParent) {
        for (String k : DERIVED) {
            JsonNode value = node.get(k);
            if (value == null) {
                continue;
            }
            boolean inherited;
            if (readNode == null || readParent == null) {
                inherited = value.equals(effective(k, parent, grandParent));
            } else {
                inherited = value.equals(readNode.get(k)) && value.equals(effective(k, readParent, readGrandParent));
            }
            if (inherited) {
                node.remove(k);
            }
        }
    }

    /** The value a child of {@code parent} inherits for {@code k}: the parent's, else its own parent's; min and max default to valid. */
    private static JsonNode effective(String k, ObjectNode parent, ObjectNode grandParent) {
        JsonNode v = parent.get(k);
        if (v == null && grandParent != null) {
            v = effective(k, grandParent, null);
        }
        if (v == null && (k.equals("min-valid-lifetime") || k.equals("max-valid-lifetime"))) {
            v = effective("valid-lifetime", parent, grandParent);
        }
        return v;
    }

    private static String key(ObjectNode network, JsonNode subnet) {
        return (network == null ? "" : network.path("name").asText()) + "|" + subnet.path("id").asText() + "|"
                + Objects.toString(subnet.path("subnet").asText(), "");
    }
}
