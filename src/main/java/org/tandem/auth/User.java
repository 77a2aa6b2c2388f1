package org.tandem.auth;

/** A user account; the password hash never leaves the auth package's API answers. */
public record User(long id, String name, String passwordHash, Role role, long createdAtMillis) {

    public static final String RESOURCE = "users";

    public String ref() {
        return RESOURCE + "/" + id;
    }
}
