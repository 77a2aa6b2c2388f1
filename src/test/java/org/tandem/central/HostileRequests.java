package org.tandem.central;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of requests that must all be refused: every value it puts into a field the API
 * validates is wrong for that field (wrong type, invalid IP or prefix, unknown ref, a name with quotes,
 * braces, semicolons, newlines, NUL or non-ASCII, a control character in free text, an unknown field),
 * so no generated write can succeed. Object shapes and field names come from the OpenAPI document's
 * schemas, so resources added there are covered without editing this class.
 */
final class HostileRequests {

    static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Strings that break dhcpd.conf, Kea JSON, SQL, shells, logs or terminals; none is a valid name. */
    static final List<String> NASTY = List.of(
            "a\"b", "a'b", "x{}", "};", "scope; deny unknown-clients;", "\"}, \"subnet4\": [{\"id\": 1", "} subnet 10.0.0.0 netmask 255.0.0.0 {",
            "a\nb", "line\r\nbreak", "nul\u0000byte", "tab\there", "Ümlaut", "名前", "emoji\uD83D\uDE00", "rtl\u202Eoverride",
            "", " ", " leading", "trailing ", "../../etc/passwd", "1 OR 1=1", "'; DROP TABLE users; --", "%00", "${jndi:ldap://127.0.0.1/a}",
            "<script>alert(1)</script>", "#comment", "a\\b", "\\\"", "option domain-name-servers 6.6.6.6;", "include \"/etc/shadow\";",
            "\u0007bell", "\u001b[31mred", "lone\uD800surrogate");
    static final List<String> BAD_IPS = List.of(
            "300.1.1.1", "10.0.0", "10.0.0.1.1", "10.0.0.1/33", "10.0.0.0/-1", "10.0.0.0/8/8", "::1", "fe80::1", "-1", "0x0a000001",
            "010.000.000.001", "10.0.0.256", "1e3.0.0.1", " 10.0.0.1", "10.0.0.1 ", "10.0.0.1;", "10.0.0.1\n", "", "a.b.c.d",
            "10.0.0.10-10.0.0.1", "255.255.255.255/0/", "4294967296", "10.0.0.0/24\"");
    static final List<String> UNKNOWN_REFS = List.of(
            "999999", "2147483648", "99999999999999999999", "-1", "0", "no-such-object", "dhcpScopes/999999", "ranges/abc", "ranges/-5",
            "users/", "/", "..", "dhcpServers/999999/x");

    private final Random random;
    private final JsonNode schemas;

    HostileRequests(long seed, JsonNode openApi) {
        this.random = new Random(seed);
        this.schemas = openApi.path("components").path("schemas");
    }

    int nextInt(int bound) {
        return random.nextInt(bound);
    }

    boolean chance(double p) {
        return random.nextDouble() < p;
    }

    <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** A string no name validator may accept. */
    String badName() {
        return switch (random.nextInt(4)) {
            case 0, 1 -> pick(NASTY);
            case 2 -> "n" + pick(NASTY) + random.nextInt(1000);
            default -> "x".repeat(101 + random.nextInt(5000));
        };
    }

    String unknownRef() {
        return switch (random.nextInt(3)) {
            case 0 -> pick(UNKNOWN_REFS);
            case 1 -> "no-such-" + Integer.toHexString(random.nextInt()) + (chance(0.5) ? pick(NASTY) : "");
            default -> pick(NASTY);
        };
    }

    /** A JSON value of the wrong type for almost anything. */
    JsonNode wrongType() {
        return switch (random.nextInt(10)) {
            case 0 -> F.numberNode(random.nextInt());
            case 1 -> F.numberNode(new BigInteger("123456789012345678901234567890"));
            case 2 -> F.numberNode(1.5e300);
            case 3 -> F.booleanNode(random.nextBoolean());
            case 4 -> F.arrayNode().add(pick(NASTY)).add(1);
            case 5 -> F.objectNode().put(pick(NASTY), pick(NASTY));
            case 6 -> F.arrayNode();
            case 7 -> F.numberNode(-1);
            case 8 -> F.objectNode();
            default -> F.textNode(pick(NASTY));
        };
    }

    /** A value that is wrong for the schema property {@code name} of type {@code property}. */
    JsonNode badValue(String name, JsonNode property) {
        if (chance(0.2)) {
            return wrongType();
        }
        String lower = name.toLowerCase();
        String type = property.path("type").asText("");
        if (property.has("enum")) {
            return F.textNode(chance(0.5) ? pick(NASTY) : property.path("enum").path(0).asText().toLowerCase() + "x");
        }
        if (lower.endsWith("ref")) {
            return F.textNode(unknownRef());
        }
        if (lower.equals("addresses")) {
            ArrayNode a = F.arrayNode();
            for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
                a.add(pick(BAD_IPS));
            }
            return a;
        }
        if (lower.equals("address") || lower.equals("from") || lower.equals("to") || lower.equals("subnet")) {
            return F.textNode(pick(BAD_IPS));
        }
        if (lower.equals("port")) {
            return chance(0.5) ? F.numberNode(chance(0.5) ? 0 : 65536 + random.nextInt(100000)) : F.textNode("80" + pick(NASTY));
        }
        if (lower.equals("description")) {
            // Free text accepts quotes; only control characters and length make it invalid.
            return F.textNode(chance(0.8) ? "d" + pick(List.of("\n", "\u0000", "\r", "\u001b", "\u0007")) + pick(NASTY)
                    : "d".repeat(4001 + random.nextInt(20000)));
        }
        if (lower.equals("password")) {
            return chance(0.5) ? F.textNode("short") : wrongType();
        }
        return switch (type) {
            case "boolean" -> chance(0.5) ? F.textNode("yes") : F.numberNode(1);
            case "integer" -> chance(0.5) ? F.textNode("12" + pick(NASTY)) : F.numberNode(-random.nextInt(1_000_000) - 1);
            case "array" -> F.textNode(pick(NASTY));
            default -> F.textNode(badName());
        };
    }

    /** An object of the named schema in which every field given is invalid, sometimes with an unknown field. */
    JsonNode badObject(String schemaName) {
        JsonNode schema = schemas.path(schemaName);
        if (chance(0.08)) {
            return wrongType();
        }
        ObjectNode o = F.objectNode();
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            boolean readOnly = p.getValue().path("readOnly").asBoolean(false);
            if (chance(readOnly ? 0.05 : 0.5)) {
                o.set(p.getKey(), badValue(p.getKey(), p.getValue()));
            }
        }
        if (chance(0.25)) {
            o.put(chance(0.5) ? pick(NASTY) : "extraField", pick(NASTY));
        }
        return o;
    }

    /** A body of the given JSON schema (inline object with properties or a $ref) with every field invalid. */
    JsonNode badBody(JsonNode schema) {
        if (schema.has("$ref")) {
            return badObject(schema.path("$ref").asText().replaceFirst(".*/", ""));
        }
        ObjectNode o = F.objectNode();
        for (Map.Entry<String, JsonNode> p : schema.path("properties").properties()) {
            if (!chance(0.7)) {
                continue;
            }
            JsonNode prop = p.getValue();
            if (prop.has("$ref")) {
                o.set(p.getKey(), badBody(prop));
            } else if (p.getKey().equals("saveComment")) {
                o.put("saveComment", chance(0.7) ? pick(NASTY) : "c".repeat(1001 + random.nextInt(3000)));
            } else {
                o.set(p.getKey(), badValue(p.getKey(), prop));
            }
        }
        if (chance(0.2)) {
            o.put(pick(NASTY), pick(NASTY));
        }
        return o;
    }

    /** Query parameters for list routes and commands, each one possibly out of range or hostile. */
    Map<String, String> listParams() {
        Map<String, String> q = new java.util.LinkedHashMap<>();
        if (chance(0.5)) {
            q.put("filter", chance(0.5) ? pick(NASTY) : "name=" + pick(NASTY) + (chance(0.5) ? " AND " : "") + pick(NASTY));
        }
        if (chance(0.4)) {
            q.put("limit", pick(List.of("-1", "10001", "99999999999999999999", "abc", "1.5", "", pick(NASTY))));
        }
        if (chance(0.4)) {
            q.put("offset", pick(List.of("-1", "99999999999999999999", "x", "", pick(NASTY))));
        }
        if (chance(0.4)) {
            q.put("sortBy", pick(NASTY));
        }
        if (chance(0.3)) {
            q.put("sortOrder", pick(List.of("Sideways", "", pick(NASTY))));
        }
        if (chance(0.15)) {
            q.put(pick(NASTY), "1");
        }
        return q;
    }

    /** Bodies that are broken before any field is read: not JSON, not an object, too deep or too large. */
    String brokenEnvelope(long maxBytes) {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "{\"method\":";
            case 3 -> "[]";
            case 4 -> "[{\"jsonrpc\":\"2.0\",\"method\":\"Login\",\"id\":1}]";
            case 5 -> "\"just a string\"";
            case 6 -> "null";
            case 7 -> "[".repeat(2000 + random.nextInt(50_000));
            case 8 -> "{\"a\":".repeat(2000 + random.nextInt(20_000)) + "1" + "}".repeat(10);
            case 9 -> "{\"method\":\"" + "x".repeat((int) maxBytes + random.nextInt(1000)) + "\"}";
            case 10 -> "\u0000\u0001\u0002\uFFFD garbage";
            default -> "{\"jsonrpc\":\"2.0\",\"method\":\"Login\",\"params\":{\"loginName\":\"a\" \"password\":1}}";
        };
    }

    /** JSON nested {@code depth} levels deep inside a field. */
    static String deeplyNested(int depth) {
        return "{\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    }

    static String encodePath(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Field names JSON-RPC commands read: every schema as an object and a ref, plus the shared ones. */
    List<String> rpcVocabulary() {
        List<String> names = new ArrayList<>(List.of("session", "saveComment", "loginName", "password", "filter", "offset", "limit",
                "sortBy", "sortOrder", "owner", "properties", "dhcpAddressPool", "dhcpExclusion", "dhcpAddressPoolRef", "dhcpExclusionRef"));
        for (Map.Entry<String, JsonNode> schema : schemas.properties()) {
            String s = schema.getKey();
            if (s.equals("Error") || s.endsWith("Result") || s.endsWith("Changes")) {
                continue;
            }
            String key = lowerCamel(s);
            names.add(key);
            names.add(key + "Ref");
        }
        return names;
    }

    /** The schema a JSON-RPC object parameter carries, or null when the name is not an object parameter. */
    String schemaFor(String param) {
        if (param.equals("properties")) {
            return schemas.has("DHCPScopeChanges") ? "DHCPScopeChanges" : null;
        }
        if (param.equals("dhcpAddressPool") || param.equals("dhcpExclusion")) {
            return "AddressBlock";
        }
        for (Map.Entry<String, JsonNode> schema : schemas.properties()) {
            String s = schema.getKey();
            if (lowerCamel(s).equals(param)) {
                return s;
            }
        }
        return null;
    }

    /** "DHCPScope" -> "dhcpScope", "Range" -> "range", "User" -> "user". */
    static String lowerCamel(String schemaName) {
        int upper = 0;
        while (upper < schemaName.length() && Character.isUpperCase(schemaName.charAt(upper))) {
            upper++;
        }
        int cut = upper == schemaName.length() ? upper : Math.max(1, upper - 1);
        return schemaName.substring(0, cut).toLowerCase() + schemaName.substring(cut);
    }
}
