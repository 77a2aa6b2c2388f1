package org.tandem.kea.client;

import com.fasterxml.jackson.databind.JsonNode;
import org.tandem.common.UserError;

/**
 * One checked answer of a Kea server: its typed result, text and arguments (null when absent). Stays in the client
 * layer; converters in {@code org.tandem.kea} turn the arguments into domain values.
 */
public record KeaResponse(String server, String command, int code, String text, JsonNode arguments) {

    public KeaResult result() {
        return KeaResult.ofCode(code);
    }

    public boolean isSuccess() {
        return code == 0;
    }

    /** Throws a user-facing error unless the result is success (or, when allowed, "empty"). */
    public KeaResponse requireSuccess(boolean emptyIsFine) {
        if (code == 0 || (emptyIsFine && code == 3)) {
            return this;
        }
        String why = text == null || text.isBlank() ? "no reason given" : text;
        String message = switch (result()) {
            case UNSUPPORTED -> "Kea server \"" + server + "\" does not support '" + command + "': " + why;
            default -> "Kea server \"" + server + "\" refused '" + command + "' (result " + code + "): " + why;
        };
        throw new KeaCommandError(this, message);
    }

    /** The arguments as an object, or a clear error naming the command when Kea sent something else. */
    public JsonNode requireArgumentsObject() {
        if (arguments == null || !arguments.isObject()) {
            throw KeaProtocolError.of(server, command, "the answer has no \"arguments\" object");
        }
        return arguments;
    }

    /** A Kea server answered with a non-success result. */
    public static final class KeaCommandError extends UserError {
        private final transient KeaResponse response;

        KeaCommandError(KeaResponse response, String message) {
            super(Kind.SERVER_REFUSED, null, message);
            this.response = response;
        }

        public KeaResponse response() {
            return response;
        }
    }
}
