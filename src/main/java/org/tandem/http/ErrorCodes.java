package org.tandem.http;

import org.tandem.common.UserError;

/**
 * The one map from an error's kind to its JSON-RPC/REST error code and REST HTTP status.
 * Micetro's own numbers are used where its clients know them (16394 bad login, 2049 unknown ref,
 * 16544 unknown resource); the others are Tandem's, stable from here on.
 */
public final class ErrorCodes {

    /** JSON-RPC 2.0's codes for envelope problems. */
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;
    /** Micetro's ResourceNotFound: no such REST route. */
    public static final int RESOURCE_NOT_FOUND = 16544;
    /** Tandem's: the request body is larger than MaxRequestBytes. */
    public static final int BODY_TOO_LARGE = 4113;

    /** An error code and the HTTP status REST answers with. */
    public record Code(int code, int httpStatus) {}

    private ErrorCodes() {}

    public static Code of(UserError.Kind kind) {
        return switch (kind) {
            case INVALID_INPUT -> new Code(INVALID_PARAMS, 400);
            case NOT_FOUND -> new Code(2049, 404);          // Micetro: ObjectNotFoundForReference
            case AUTHENTICATION -> new Code(16394, 401);    // Micetro: invalid login
            case PERMISSION_DENIED -> new Code(4103, 403);
            case CONFLICT -> new Code(4109, 409);
            case SERVER_REFUSED -> new Code(4122, 422);
            case UNREACHABLE -> new Code(4104, 503);
            // Tandem's: Central's database refuses writes (disk full, read-only); reads still work, so 503 says "try later".
            case STORAGE -> new Code(4123, 503);
        };
    }
}
