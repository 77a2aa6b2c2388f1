package org.tandem.store;

import org.tandem.common.UserError;

/**
 * A reference to a stored object as the API accepts it: {@code dhcpScopes/12}, the bare id {@code 12},
 * or a name ({@code dhcpScopes/10.0.0.0/24}, {@code 10.0.0.0/24}) that must be unique.
 */
public record Ref(String resource, Long id, String name) {

    /** Parses {@code text} for objects of {@code resource}; {@code field} names the parameter in errors. */
    public static Ref parse(String field, String resource, String text) {
        if (text == null || text.isBlank()) {
            throw UserError.invalid(field, "a reference like " + resource + "/12 or a name is required");
        }
        if (text.length() > 300) {
            throw UserError.invalid(field, "is longer than 300 characters");
        }
        String rest = text;
        // Micetro's resource names are case-insensitive in refs (DHCPScopes/1 and dhcpScopes/1).
        if (text.regionMatches(true, 0, resource + "/", 0, resource.length() + 1)) {
            rest = text.substring(resource.length() + 1);
        }
        if (rest.matches("[0-9]{1,18}")) {
            return new Ref(resource, Long.parseLong(rest), null);
        }
        if (rest.isEmpty()) {
            throw UserError.invalid(field, "\"" + text + "\" names no object");
        }
        return new Ref(resource, null, rest);
    }

    public static String of(String resource, long id) {
        return resource + "/" + id;
    }

    @Override
    public String toString() {
        return id != null ? resource + "/" + id : resource + "/" + name;
    }
}
