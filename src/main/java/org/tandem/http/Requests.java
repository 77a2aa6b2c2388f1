package org.tandem.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import jakarta.servlet.ServletInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.tandem.auth.Actor;
import org.tandem.auth.AuthService;
import org.tandem.common.UserError;

/** What JSON-RPC and REST read from a request the same way: the body (size-limited) and the caller. */
public final class Requests {

    /** The body is larger than allowed; thrown before any of it is parsed. */
    public static final class BodyTooLarge extends Exception {
        public BodyTooLarge(long limit) {
            super("Request body is larger than " + limit + " bytes");
        }
    }

    private static final long DRAIN_FACTOR = 4;
    /** The JSON-RPC endpoint. */
    public static final String RPC_PATH = "/mmws/json";

    private Requests() {}

    /** Reads at most {@code limit} bytes; a larger body (declared or actual) is refused without parsing. */
    public static byte[] body(Context ctx, long limit) throws BodyTooLarge {
        String declared = ctx.header("Content-Length");
        boolean declaredTooLarge = declared != null && declared.matches("[0-9]{1,18}") && Long.parseLong(declared) > limit;
        try (InputStream in = ctx.bodyInputStream()) {
            if (declaredTooLarge) {
                drain(in, limit);
                throw new BodyTooLarge(limit);
            }
            byte[] bytes = in.readNBytes((int) limit + 1);
            if (bytes.length > limit) {
                drain(in, limit);
                throw new BodyTooLarge(limit);
            }
            return bytes;
        } catch (IOException e) {
            throw new UserError(UserError.Kind.INVALID_INPUT, null, "The request body could not be read: " + e.getMessage(), e);
        }
    }

    /** A REST body: empty gives no parameters, anything else must be one JSON object. */
    public static Params objectBody(Context ctx, long limit) throws BodyTooLarge, IOException {
        byte[] bytes = body(ctx, limit);
        if (bytes.length == 0) {
            return Params.empty();
        }
        JsonNode node = Json.parse(bytes);
        if (node == null || !node.isObject()) {
            throw UserError.invalid("body", "must be a JSON object");
        }
        return new Params((ObjectNode) node, "");
    }

    /**
     * A REST request's arguments, as Micetro takes them on any method: the JSON body's fields and the query
     * string's. A query value that is a JSON object or array ({@code ?dnsRecord={...}}, from Micetro's manual) is
     * read as JSON; an argument given in both places is refused naming it.
     */
    public static Params arguments(Context ctx, long limit) throws BodyTooLarge, IOException {
        byte[] bytes = body(ctx, limit);
        ObjectNode args;
        if (bytes.length == 0) {
            args = Json.MAPPER.createObjectNode();
        } else {
            JsonNode node = Json.parse(bytes);
            if (node == null || !node.isObject()) {
                throw UserError.invalid("body", "must be a JSON object");
            }
            args = (ObjectNode) node;
        }
        for (var e : ctx.queryParamMap().entrySet()) {
            String name = e.getKey();
            if (e.getValue().size() != 1) {
                throw UserError.invalid(name, "is given " + e.getValue().size() + " times");
            }
            if (args.has(name)) {
                throw UserError.invalid(name, "is given both in the query string and in the body");
            }
            String value = e.getValue().get(0);
            if (value.startsWith("{") || value.startsWith("[")) {
                try {
                    args.set(name, Json.parse(value.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException notJson) {
                    throw UserError.invalid(name, "starts like JSON but is not valid JSON");
                }
            } else {
                args.put(name, value);
            }
        }
        return new Params(args, "");
    }

    /**
     * Run after every route: a body the route never read (refused before reading: no session, a GET with a
     * body) is read and dropped up to the same bound, so the keep-alive connection stays usable; Jetty would
     * otherwise close it after the answer and the client's next request on it would get no answer at all.
     * When the rest is too large or unreadable, the answer says {@code Connection: close} instead.
     */
    public static void discardUnreadBody(Context ctx, long limit) {
        try {
            ServletInputStream in = ctx.req().getInputStream();
            if (in.isFinished()) {
                return;
            }
            drain(in, limit);
            if (!in.isFinished() && in.read() >= 0) {
                ctx.header("Connection", "close");
            }
        } catch (IOException | IllegalStateException e) {
            ctx.header("Connection", "close");
        }
    }

    /**
     * Reads and drops up to {@code DRAIN_FACTOR * limit} more bytes of a refused body. A client still
     * sending when the server closes gets a broken pipe instead of the 413 that says why; draining a
     * bounded amount lets ordinary oversized requests read their answer, and bodies beyond it are cut off.
     */
    private static void drain(InputStream in, long limit) throws IOException {
        long left = DRAIN_FACTOR * limit;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    return;
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    /**
     * The caller: an {@code Authorization: Bearer <session>} or {@code Basic} header, else the
     * {@code session} parameter (JSON-RPC). Anything else is an authentication error.
     */
    public static Actor caller(Context ctx, AuthService auth, String sessionParam) {
        Actor actor = authenticate(ctx, auth, sessionParam);
        String method = ctx.method().name();
        boolean rest = !ctx.path().equals(RPC_PATH);
        if (rest && !actor.mayWrite() && !method.equals("GET") && !method.equals("HEAD") && !ownPasswordChange(ctx)) {
            // Every REST write is refused here, before its body is read; JSON-RPC checks by command name.
            throw new UserError(UserError.Kind.PERMISSION_DENIED, null,
                    "User \"" + actor.userName() + "\" is read-only and may not " + method + " " + ctx.path());
        }
        return actor;
    }

    /** {@code PUT /mmws/api/v2/users/{ref}/password}: open to read-only users for their own password (RestApi checks the ref). */
    public static boolean ownPasswordChange(Context ctx) {
        // Case-insensitive as the routes are (Central's router setting); MicetroPaths has already mapped other prefixes.
        String path = ctx.path();
        return ctx.method().name().equals("PUT") && path.regionMatches(true, 0, "/mmws/api/v2/users/", 0, 19)
                && path.regionMatches(true, path.length() - 9, "/password", 0, 9)
                && ctx.path().chars().filter(ch -> ch == '/').count() == 6;
    }

    private static Actor authenticate(Context ctx, AuthService auth, String sessionParam) {
        String header = ctx.header("Authorization");
        if (header != null && !header.isEmpty()) {
            if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return auth.session(header.substring(7).strip());
            }
            if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new UserError(UserError.Kind.AUTHENTICATION, "Authorization", "The Basic authorization header is not valid base64");
                }
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new UserError(UserError.Kind.AUTHENTICATION, "Authorization", "The Basic authorization header has no user:password");
                }
                return auth.basic(decoded.substring(0, colon), decoded.substring(colon + 1), ctx.ip());
            }
            throw new UserError(UserError.Kind.AUTHENTICATION, "Authorization", "Only Bearer and Basic authorization are supported");
        }
        return auth.session(sessionParam);
    }
}
