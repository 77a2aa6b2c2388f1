package org.tandem.common;

import java.util.Objects;

/**
 * An error a user can cause and act on: bad input, an unknown reference, a conflict, a DHCP server
 * refusing a change. Its message is written for a person; the API, the CLI and the web UI show it as is.
 *
 * <p>Errors Tandem itself causes are bugs and stay ordinary exceptions, so tests surface them.
 */
public class UserError extends RuntimeException {

    /** What kind of mistake or obstacle this is; the API maps each kind to its error code. */
    public enum Kind {
        /** A parameter, body, file or argument is malformed or out of range. */
        INVALID_INPUT,
        /** A reference or name matches nothing. */
        NOT_FOUND,
        /** The request clashes with existing state (an overlap, a duplicate name, a change made elsewhere). */
        CONFLICT,
        /** No valid session, token or password. */
        AUTHENTICATION,
        /** The caller is known but may not do this. */
        PERMISSION_DENIED,
        /** A DHCP server (or its validator) refused the change; the message carries its own words. */
        SERVER_REFUSED,
        /** A DHCP server, agent or Control Agent could not be reached or did not answer in time. */
        UNREACHABLE,
        /**
         * Central's own database refuses writes: a full disk, a read-only file or mount, an I/O error. Not the caller's
         * doing, but something an operator can fix; the message names the database, the cause and the remedy.
         */
        STORAGE
    }

    private final Kind kind;
    private final String field;

    public UserError(Kind kind, String field, String message) {
        super(Objects.requireNonNull(message, "message"));
        this.kind = Objects.requireNonNull(kind, "kind");
        this.field = field;
    }

    public UserError(Kind kind, String field, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.field = field;
    }

    /** A malformed or out-of-range value; the message names the field and the problem. */
    public static UserError invalid(String field, String problem) {
        return new UserError(Kind.INVALID_INPUT, field, field + ": " + problem);
    }

    /** A reference that matches nothing; the message names the reference. */
    public static UserError notFound(String what, String ref) {
        return new UserError(Kind.NOT_FOUND, null, what + " \"" + ref + "\" was not found");
    }

    public static UserError conflict(String message) {
        return new UserError(Kind.CONFLICT, null, message);
    }

    public static UserError serverRefused(String message) {
        return new UserError(Kind.SERVER_REFUSED, null, message);
    }

    public static UserError unreachable(String message, Throwable cause) {
        return new UserError(Kind.UNREACHABLE, null, message, cause);
    }

    public Kind kind() {
        return kind;
    }

    /** The parameter or field at fault, or null when the error is not about one field. */
    public String field() {
        return field;
    }
}
