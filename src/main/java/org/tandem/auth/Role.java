package org.tandem.auth;

import org.tandem.common.UserError;

/** What a user may do: administrators change things, read-only users only look. */
public enum Role {
    Administrator,
    ReadOnly;

    public static Role parse(String field, String text) {
        for (Role r : values()) {
            if (r.name().equals(text)) {
                return r;
            }
        }
        throw UserError.invalid(field, "must be Administrator or ReadOnly, not \"" + text + "\"");
    }
}
