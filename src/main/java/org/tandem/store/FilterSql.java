package org.tandem.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandem.common.UserError;
import org.tandem.net.Ipv4Address;

/**
 * Translates Micetro's filter syntax into a SQL condition with bound parameters.
 *
 * <p>Supported: {@code field=value} (equals), {@code field:value} (contains), {@code ^} and {@code $}
 * anchors ({@code name:^10.1.} starts with, {@code name=^a$} equals), double-quoted values
 * ({@code name="my scope"}), and terms joined by {@code " AND "}. Field names come from a
 * {@link Fields} whitelist; no user text ever becomes SQL text. Micetro's regex, {@code !}, {@code |} and
 * parentheses are not supported and are refused rather than misread. Matching is case-sensitive.
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
        String value = unquote(rest.substring(1).strip());
        boolean startsWith = value.startsWith("^");
        if (startsWith) {
            value = value.substring(1);
        }
        boolean endsWith = value.endsWith("$") && !value.endsWith("\\$");
        if (endsWith) {
            value = value.substring(0, value.length() - 1);
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
        if ((startsWith || endsWith) && !(startsWith && endsWith)) {
            throw UserError.invalid("filter", "field \"" + name + "\" can only be compared whole (field=value)");
        }
        params.put(p, typedValue(field, value));
        return field.column() + " = :" + p;
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
                String id = value.startsWith(prefix) ? value.substring(prefix.length()) : value;
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
        return field.column() + direction + ", " + fields.idColumn() + direction;
    }
}
