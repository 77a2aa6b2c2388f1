package org.tandem.kea.client;

import org.tandem.common.UserError;
import org.tandem.tls.ClientTrust;

/**
 * A Kea server (or something pretending to be one) answered with something that is not a valid control-API answer:
 * not JSON, the wrong shape, too large, an HTTP error. Nothing is written after such an answer.
 */
public final class KeaProtocolError extends UserError {

    private KeaProtocolError(String message, Throwable cause) {
        super(Kind.UNREACHABLE, null, message, cause);
    }

    public static KeaProtocolError of(String server, String command, String problem) {
        return new KeaProtocolError("Kea server \"" + server + "\" gave an unusable answer to '" + command + "': " + problem, null);
    }

    public static KeaProtocolError of(String server, String command, String problem, Throwable cause) {
        return new KeaProtocolError("Kea server \"" + server + "\" gave an unusable answer to '" + command + "': " + problem, cause);
    }

    public static KeaProtocolError unreachable(String server, String command, String where, Throwable cause) {
        String tls = cause instanceof java.io.IOException io ? ClientTrust.current().explain(io, "Kea server \"" + server + "\" at " + where) : null;
        if (tls != null) {
            return new KeaProtocolError(tls + " (command '" + command + "')", cause);
        }
        String why = cause == null ? "" : ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        return new KeaProtocolError("Kea server \"" + server + "\" could not be reached for '" + command + "' at " + where + why, cause);
    }
}
