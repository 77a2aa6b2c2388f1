package org.tandem.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;

/**
 * Translates Micetro's filter syntax into a SQL condition with bound parameters.
 *
 * <p>Supported: {@code field=value} (equals), {@code field:value} (contains), {@code ^} and {@code $}
 * anchors ({@code name:^10.1.} starts with, {@code name=^a$} equals), Micetro's prefix operators as its
 * clients send them ({@code name=@"lan"} contains, {@code name=^"lan"} starts with, {@code name=$"lan"} ends
 * with), double-quoted values ({@code name="my scope"}), terms joined by {@code " AND "}, and where the
 * rows hold addresses ({@link Fields#holding}) a bare address or subnet. Refs match in either case
 * ({@code rangeRef=Ranges/6}). Field names come from a {@link Fields} whitelist; no user text ever becomes
 * SQL text. Micetro's regex, {@code !}, {@code |} and parentheses are not supported and are refused rather
 * than misread. Matching is case-sensitive.
 */
public final class FilterSql {

    private static final int MAX_FILTER_LENGTH = 1_000;
    private static final int MAX_TERMS = 16;

    /** A SQL condition ("TRUE" when there is no filter) and its named parameters. */
    public record Condition(String sql, Map<String, Object> params) {}

    private FilterSql() {}

    public static Condition translate(String filter, Fields fields) {
        if (filter == null || filter.isBlank()) {
            return new Condition("1=1", Map.of());
        }
        if (filter.length() > MAX_FILTER_LENGTH) {
            throw UserError.invalid("filter", "is longer than " + MAX_FILTER_LENGTH + " characters");
        }
        List<String> terms = splitTerms(filter);
        if (terms.size() > MAX_TERMS) {
            throw UserError.invalid("filter", "has more than " + MAX_TERMS + " terms");
        }
        List<String> sql = new ArrayList<>();
        Map<String, Object> params = new LinkedHashMap<>();
        for (String term : terms) {
            sql.add(term(term.strip(), fields, params));
        }
        return new Condition(String.join(" AND ", sql), params);
    }

    /** Splits on " AND " outside double quotes. */
    static List<String> splitTerms(String filter) {
        List<String> terms = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < filter.length(); i++) {
            char c = filter.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && filter.startsWith(" AND ", i)) {
                terms.add(filter.substring(start, i));
                start = i + 5;
                i += 4;
            }
        }
        if (quoted) {
            throw UserError.invalid("filter", "has an unclosed double quote");
        }
        terms.add(filter.substring(start));
        return terms;
    }

    private static String term(String term, Fields fields, Map<String, Object> params) {
        if (fields.holdingColumns() != null && term.indexOf('=') < 0 && term.indexOf(':') < 0 && !term.isEmpty()) {
            return bare(term, fields, params);
        }
        int i = 0;
        while (i < term.length() && (Character.isLetterOrDigit(term.charAt(i)) || term.charAt(i) == '_')) {
            i++;
        }
        String name = term.substring(0, i);
        String rest = term.substring(i).stripLeading();
        if (name.isEmpty() || rest.isEmpty() || (rest.charAt(0) != '=' && rest.charAt(0) != ':')) {
            throw UserError.invalid("filter", "term \"" + ListQuery.clip(term) + "\" is not field=value or field:value");
        }
        Fields.Field field = fields.get(name);
        if (field == null) {
            throw UserError.invalid("filter", "unknown field \"" + ListQuery.clip(name) + "\"; fields are " + fields.names());
        }
        boolean contains = rest.charAt(0) == ':';
        String raw = rest.substring(1).strip();
        // Micetro's prefix operators before a (usually quoted) value: =@"x" contains, =$"x" ends with.
        // Before this they read as part of the value and silently matched nothing.
        boolean containsOperator = raw.startsWith("@");
        boolean endsWith = raw.startsWith("$") && raw.length() > 1;
        if (containsOperator || endsWith) {
            raw = raw.substring(1);
            contains |= containsOperator;
        }
        String value = unquote(raw);
        boolean startsWith = !containsOperator && !endsWith && value.startsWith("^");
        if (startsWith) {
            value = value.substring(1);
        }
        if (!containsOperator && !endsWith) {
            endsWith = value.endsWith("$") && !value.endsWith("\\$");
            if (endsWith) {
                value = value.substring(0, value.length() - 1);
            }
        }
        value = unquote(value);
        String p = "f" + params.size();
        if (field.type() == Fields.Type.TEXT) {
            if (!contains && !startsWith && !endsWith || startsWith && endsWith) {
                params.put(p, value);
                return field.column() + " = :" + p;
            }
            params.put(p, (startsWith ? "" : "%") + escapeLike(value) + (endsWith ? "" : "%"));
            return field.column() + " LIKE :" + p + " ESCAPE '\\'";
        }
        if (containsOperator || (startsWith || endsWith) && !(startsWith && endsWith)) {
            throw UserError.invalid("filter", "field \"" + name + "\" can only be compared whole (field=value)");
        }
        params.put(p, typedValue(field, value));
        return field.column() + " = :" + p;
    }

    /** A term without an operator: the rows holding an address or subnet, else the row named so. */
    private static String bare(String term, Fields fields, Map<String, Object> params) {
        String text = unquote(term);
        String p = "f" + params.size();
        if (text.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}(/[0-9]{1,2})?")) {
            Ipv4Range held = text.indexOf('/') < 0 ? new Ipv4Range(Ipv4Address.parse("filter", text), Ipv4Address.parse("filter", text))
                    : Ipv4Range.parseCidr("filter", text);
            String[] columns = fields.holdingColumns();
            params.put(p + "a", held.first().value());
            params.put(p + "b", held.last().value());
            return "(" + columns[0] + " <= :" + p + "a AND " + columns[1] + " >= :" + p + "b)";
        }
        Fields.Field name = fields.get("name");
        if (name == null) {
            throw UserError.invalid("filter", "term \"" + ListQuery.clip(term) + "\" is not field=value, an address or a subnet");
        }
        params.put(p, text);
        return name.column() + " = :" + p;
    }

    private static Object typedValue(Fields.Field field, String value) {
        switch (field.type()) {
            case NUMBER -> {
                if (!value.matches("-?[0-9]{1,18}")) {
                    throw UserError.invalid("filter", "field \"" + field.name() + "\" needs a number, not \"" + ListQuery.clip(value) + "\"");
                }
                return Long.parseLong(value);
            }
            case BOOLEAN -> {
                if (!value.equals("true") && !value.equals("false")) {
                    throw UserError.invalid("filter", "field \"" + field.name() + "\" needs true or false, not \"" + ListQuery.clip(value) + "\"");
                }
                return Boolean.parseBoolean(value);
            }
            case IPV4 -> {
                return Ipv4Address.parse("filter", value).value();
            }
            case REF -> {
                String prefix = field.refResource() + "/";
                // Micetro's resource names are case-insensitive in refs (Ranges/6 and ranges/6).
                String id = value.regionMatches(true, 0, prefix, 0, prefix.length()) ? value.substring(prefix.length()) : value;
                if (!id.matches("[0-9]{1,18}")) {
                    throw UserError.invalid("filter", "field \"" + field.name() + "\" needs a ref like " + prefix + "12, not \"" + ListQuery.clip(value) + "\"");
                }
                return Long.parseLong(id);
            }
            default -> throw new IllegalStateException(field.type().toString());
        }
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static String escapeLike(String value) {
        return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }

    /** The ORDER BY clause for {@code sortBy}; unknown fields are refused naming {@code sortBy}. */
    public static String orderBy(ListQuery query, Fields fields) {
        String direction = query.descending() ? " DESC" : "";
        if (query.sortBy() == null) {
            return fields.idColumn() + direction;
        }
        Fields.Field field = fields.get(query.sortBy());
        if (field == null) {
            throw UserError.invalid("sortBy", "unknown field \"" + ListQuery.clip(query.sortBy()) + "\"; fields are " + fields.names());
        }
        // NULLs placed as PostgreSQL places them by default (last going up), said out loud so SQLite (NULLs first) agrees.
        return field.column() + direction + (query.descending() ? " NULLS FIRST" : " NULLS LAST") + ", " + fields.idColumn() + direction;
    }
}
