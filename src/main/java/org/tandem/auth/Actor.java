package org.tandem.auth;

/** Who is making a request: the user behind a session, or Tandem itself for background work. */
public record Actor(String userName, Role role) {

    /** Tandem's own writes (first-start set-up, sync jobs), recorded under this name. */
    public static final Actor SYSTEM = new Actor("tandem", Role.Administrator);

    public boolean mayWrite() {
        return role == Role.Administrator;
    }
}
