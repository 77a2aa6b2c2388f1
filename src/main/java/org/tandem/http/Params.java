package org.tandem.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.tandem.common.UserError;
import org.tandem.store.ListQuery;

/**
 * Typed, checked access to a JSON object from a request (JSON-RPC params, a REST body, or REST query
 * parameters). Every error names the parameter by its full path, e.g. {@code dhcpScope.rangeRef}.
 */
public final class Params {

    private final ObjectNode node;
    private final String prefix;

    public Params(ObjectNode node, String prefix) {
        this.node = node;
        this.prefix = prefix;
    }

    public static Params empty() {
        return new Params(JsonNodeFactory.instance.objectNode(), "");
    }

    /** Query parameters as text values (REST lists). */
    public static Params ofQuery(Map<String, List<String>> query) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        query.forEach((k, v) -> {
            if (v.size() != 1) {
                throw UserError.invalid(k, "is given " + v.size() + " times");
            }
            n.put(k, v.get(0));
        });
        return new Params(n, "");
    }

    /** These parameters without {@code name} (a copy; this one is unchanged). */
    public Params without(String name) {
        if (!node.has(name)) {
            return this;
        }
        ObjectNode copy = node.deepCopy();
        copy.remove(name);
        return new Params(copy, prefix);
    }

    public String path(String name) {
        return prefix + name;
    }

    /** True when the field is in the object at all, even as null (a null there means "clear it"). */
    public boolean present(String name) {
        return node.has(name);
    }

    public boolean has(String name) {
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    public String string(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw UserError.invalid(path(name), "must be a string");
        }
        return v.textValue();
    }

    public String requiredString(String name) {
        String s = string(name);
        if (s == null) {
            throw UserError.invalid(path(name), "is required");
        }
        return s;
    }

    /** A whole number; text holding one is accepted too (REST query parameters are text). */
    public Long integer(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isTextual() && v.textValue().matches("-?[0-9]{1,18}")) {
            return Long.parseLong(v.textValue());
        }
        throw UserError.invalid(path(name), "must be a whole number");
    }

    public Boolean bool(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isBoolean()) {
            return v.booleanValue();
        }
        if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
            return Boolean.parseBoolean(v.textValue());
        }
        throw UserError.invalid(path(name), "must be true or false");
    }

    public List<String> strings(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw UserError.invalid(path(name), "must be an array of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw UserError.invalid(path(name), "must be an array of strings");
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** An optional array of whole numbers from 0 to {@code max}; null when absent. */
    public List<Integer> integers(String name, int max) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw UserError.invalid(path(name), "must be an array of whole numbers");
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.canConvertToInt() || !item.isIntegralNumber() || item.intValue() < 0 || item.intValue() > max) {
                throw UserError.invalid(path(name), "must be an array of whole numbers from 0 to " + max);
            }
            out.add(item.intValue());
        }
        return out;
    }

    /** An optional array of objects, each with errors prefixed by its name and index; null when absent. */
    public List<Params> objects(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw UserError.invalid(path(name), "must be an array of objects");
        }
        List<Params> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isObject()) {
                throw UserError.invalid(path(name) + "[" + i + "]", "must be an object");
            }
            out.add(new Params((ObjectNode) v.get(i), path(name) + "[" + i + "]."));
        }
        return out;
    }

    /** A required nested object, with errors prefixed by its name. */
    public Params object(String name) {
        JsonNode v = node.get(name);
        if (v == null || v.isNull()) {
            throw UserError.invalid(path(name), "is required (an object)");
        }
        if (!v.isObject()) {
            throw UserError.invalid(path(name), "must be an object");
        }
        return new Params((ObjectNode) v, path(name) + ".");
    }

    /** Refuses any field not listed, so a misspelt field is an error rather than silently ignored. */
    public Params allowOnly(Set<String> names) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!names.contains(f)) {
                throw UserError.invalid(path(f), "is not a known field; known fields are " + String.join(", ", names.stream().sorted().toList()));
            }
        }
        return this;
    }

    /** Micetro's list parameters: filter, offset, limit, sortBy, sortOrder. */
    public ListQuery listQuery() {
        Long offset = integer("offset");
        Long limit = integer("limit");
        if (limit != null && (limit < 0 || limit > ListQuery.MAX_LIMIT)) {
            throw UserError.invalid(path("limit"), "must be from 0 to " + ListQuery.MAX_LIMIT + ", not " + limit);
        }
        if (offset != null && offset < 0) {
            throw UserError.invalid(path("offset"), "must be 0 or more, not " + offset);
        }
        return new ListQuery(string("filter"), offset == null ? 0 : offset,
                limit == null ? ListQuery.DEFAULT_LIMIT : limit.intValue(), string("sortBy"), ListQuery.parseDescending(string("sortOrder")));
    }

    /**
     * A Micetro modification's {@code properties}: an object, or (as Micetro's REST clients send it) an array of
     * {@code {"name": N, "value": V}}, read as the object {@code {N: V, ...}}. Required.
     */
    public Params properties(String name) {
        JsonNode v = node.get(name);
        if (v != null && v.isArray()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            for (int i = 0; i < v.size(); i++) {
                JsonNode item = v.get(i);
                String at = path(name) + "[" + i + "]";
                if (!item.isObject() || !item.path("name").isTextual() || item.size() > 2 || (item.size() == 2 && !item.has("value"))) {
                    throw UserError.invalid(at, "must be an object {\"name\": ..., \"value\": ...}");
                }
                String key = item.get("name").textValue();
                if (o.has(key)) {
                    throw UserError.invalid(at + ".name", "\"" + org.tandem.common.Text.clip(key) + "\" is given twice");
                }
                o.set(key, item.has("value") ? item.get("value") : JsonNodeFactory.instance.nullNode());
            }
            return new Params(o, path(name) + ".");
        }
        return object(name);
    }

    /** Strings given as an array, or as one string (Micetro's clients send a reservation's addresses either way). */
    public List<String> stringOrStrings(String name) {
        JsonNode v = node.get(name);
        if (v != null && v.isTextual()) {
            return List.of(v.textValue());
        }
        return strings(name);
    }
}
