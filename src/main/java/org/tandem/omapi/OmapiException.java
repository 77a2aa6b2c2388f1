package org.tandem.omapi;

import org.tandem.common.UserError;

/** A failure talking OMAPI to dhcpd: unreachable, refused (with dhcpd's own result), or a broken reply. */
public final class OmapiException extends UserError {

    /** What went wrong, so callers can tell a down server from a refusal or a protocol violation. */
    public enum Problem {
        /** Connection refused, reset, closed or timed out. */
        UNREACHABLE,
        /** dhcpd answered with a non-zero STATUS result (bad key, unknown object, ...). */
        REFUSED,
        /** The bytes received break the OMAPI wire format, a size limit or the signature. */
        PROTOCOL
    }

    private final Problem problem;
    private final long resultCode;

    public OmapiException(Problem problem, String message) {
        this(problem, message, -1, null);
    }

    public OmapiException(Problem problem, String message, Throwable cause) {
        this(problem, message, -1, cause);
    }

    OmapiException(Problem problem, String message, long resultCode, Throwable cause) {
        super(problem == Problem.REFUSED ? Kind.SERVER_REFUSED : Kind.UNREACHABLE, null, message, cause);
        this.problem = problem;
        this.resultCode = resultCode;
    }

    public Problem problem() {
        return problem;
    }

    /** dhcpd's isc_result_t for REFUSED (e.g. 0x6000b for an invalid key), else -1. */
    public long resultCode() {
        return resultCode;
    }
}
