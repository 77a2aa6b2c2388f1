package org.tandem.auth;

/** A user account; the password hash never leaves the auth package's API answers. */
public record User(long id, String name, String passwordHash, Role role, long createdAtMillis, Details details) {

    public static final String RESOURCE = "users";

    public User {
        details = details == null ? Details.NONE : details;
    }

    public User(long id, String name, String passwordHash, Role role, long createdAtMillis) {
        this(id, name, passwordHash, role, createdAtMillis, Details.NONE);
    }

    /** What Micetro keeps of a user besides its name and password: each "" when not given. */
    public record Details(String fullName, String email, String description) {
        public static final Details NONE = new Details("", "", "");
    }

    public String ref() {
        return RESOURCE + "/" + id;
    }
}
