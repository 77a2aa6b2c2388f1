package org.tandem.kea.config;

import java.util.regex.Pattern;
import org.tandem.common.UserError;

/** Checks for the names and identifiers Tandem writes into Kea JSON, so a user's text stays a plain value. */
final class KeaNames {
    // JSON escaping already stops syntax injection; these keep names to what Kea itself accepts and shows sanely.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:\\-]{1,64}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\\.?");
    private static final Pattern HEX = Pattern.compile("[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){0,127}");

    private KeaNames() {
    }

    static void checkName(String field, String value) {
        if (value != null && !NAME.matcher(value).matches()) {
            throw UserError.invalid(field, "\"" + clip(value) + "\" may only use letters, digits, '_', '.', ':' and '-' (1 to 64)");
        }
    }

    /** A host name or FQDN: dot-separated labels of letters, digits, '_' and '-', at most 253 characters. */
    static void checkHostName(String field, String value) {
        if (value.length() > 253 || !HOST.matcher(value).matches()) {
            throw UserError.invalid(field, "\"" + clip(value) + "\" is not a host name (labels of letters, digits, '_' and '-' joined by dots)");
        }
    }

    static void checkHex(String field, String value) {
        if (value != null && !HEX.matcher(value).matches()) {
            throw UserError.invalid(field, "\"" + clip(value) + "\" is not colon-separated hex bytes like 1a:2b:3c");
        }
    }

    static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
