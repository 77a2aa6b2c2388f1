package org.tandem.kea.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Whether a config Kea reports is the one Tandem set ({@link KeaConfig#reports}), given the config that one was planned
 * on. Kea reports its own config-get output back unchanged, so everything Tandem kept from the config it planned on
 * must come back exactly. What Tandem added (a subnet, a reservation, a pool) comes back with the defaults Kea fills
 * in: every value set, more keys allowed, a pool range without the blanks around its dash ({@code "10.0.0.10 -
 * 10.0.0.20"} reads back as {@code "10.0.0.10-10.0.0.20"} on Kea 2.2). Kea may list elements in its own order (it
 * sorts subnets by id and reservations by identifier). In an object that was there before, the report may only add
 * back what Kea printed there before. Anything else, a new key in an object that was there before included, is an
 * edit made by someone else.
 */
final class KeaReported {

    /** Lists longer than this must keep their order; matching their elements in any order would take quadratic time. */
    private static final int MAX_UNORDERED = 2_000;

    private KeaReported() {
    }

    /** @param before the set config's counterpart in the config it was planned on, or null where the set config is new */
    static boolean covers(JsonNode reported, JsonNode set, JsonNode before) {
        if (set.isObject()) {
            if (!reported.isObject() || (before != null && before.isObject() && !onlyKnownAdded(reported, set, before))) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = set.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode mine = reported.get(field.getKey());
                JsonNode wanted = field.getValue();
                if (mine == null) {
                    return false;
                }
                boolean same = field.getKey().equals("pool") && wanted.isTextual() && mine.isTextual()
                        ? blankless(mine.asText()).equals(blankless(wanted.asText()))
                        : covers(mine, wanted, before == null ? null : before.get(field.getKey()));
                if (!same) {
                    return false;
                }
            }
            return true;
        }
        if (set.isArray()) {
            if (!reported.isArray() || reported.size() != set.size()) {
                return false;
            }
            Set<JsonNode> kept = new HashSet<>();
            if (before != null && before.isArray()) {
                before.forEach(kept::add);
            }
            return inOrder(reported, set, before, kept) || anyOrder(reported, set, before, kept);
        }
        if (set.isNumber()) {
            return reported.isNumber() && reported.decimalValue().compareTo(set.decimalValue()) == 0;
        }
        return set.equals(reported);
    }

    /**
     * In an object that was there before, a key the report has beyond the set config is one Kea printed there before
     * with the same value (a default it derives again where Tandem's edit rewrote the object).
     */
    private static boolean onlyKnownAdded(JsonNode reported, JsonNode set, JsonNode before) {
        for (Iterator<Map.Entry<String, JsonNode>> it = reported.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!set.has(field.getKey()) && !field.getValue().equals(before.get(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /** One element: kept from before, it comes back as it was; else as anything new or changed. */
    private static boolean element(JsonNode reported, JsonNode set, JsonNode before, Set<JsonNode> kept) {
        if (kept.contains(set)) {
            return reported.equals(set);
        }
        return covers(reported, set, counterpart(before, set));
    }

    /** The element of {@code before} with the same {@code id} (a subnet changed in place), else null (a new element). */
    private static JsonNode counterpart(JsonNode before, JsonNode set) {
        if (before == null || !before.isArray() || !set.isObject() || !set.has("id")) {
            return null;
        }
        for (JsonNode b : before) {
            if (set.get("id").equals(b.get("id"))) {
                return b;
            }
        }
        return null;
    }

    private static String blankless(String s) {
        return s.replaceAll("\\s+", "");
    }

    private static boolean inOrder(JsonNode reported, JsonNode set, JsonNode before, Set<JsonNode> kept) {
        for (int i = 0; i < set.size(); i++) {
            if (!element(reported.get(i), set.get(i), before, kept)) {
                return false;
            }
        }
        return true;
    }

    /** Each element set matched by its own element reported, greedily (elements of Kea's lists are distinct). */
    private static boolean anyOrder(JsonNode reported, JsonNode set, JsonNode before, Set<JsonNode> kept) {
        if (set.size() > MAX_UNORDERED) {
            return false;
        }
        boolean[] taken = new boolean[reported.size()];
        for (JsonNode wanted : set) {
            boolean found = false;
            for (int i = 0; i < reported.size() && !found; i++) {
                if (!taken[i] && element(reported.get(i), wanted, before, kept)) {
                    taken[i] = true;
                    found = true;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }
}
