package org.tandem.http.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.Actor;
import org.tandem.auth.AuthService;
import org.tandem.common.Text;
import org.tandem.common.UserError;
import org.tandem.http.ErrorCodes;
import org.tandem.http.Json;
import org.tandem.http.Params;
import org.tandem.http.Requests;
import org.tandem.store.DatabaseHealth;
import org.tandem.store.StorageTrouble;

/**
 * JSON-RPC 2.0 at {@code POST /mmws/json}, Micetro style: one object per request, errors as HTTP 200
 * with {@code {"error":{code,message}}}. Commands are registered by name, one line each:
 * {@code rpc.register("GetDHCPScopes", LIST, this::getScopes)}. Written by hand: the envelope is small and
 * no library speaks Micetro's dialect (session as a parameter, its error codes).
 */
public final class RpcDispatcher {

    /** A command: reads its parameters from the call and returns the {@code result} (a JSON node or record). */
    @FunctionalInterface
    public interface Handler {
        Object handle(RpcCall call);
    }

    /** A command and the parameters it knows; any other is refused naming it, before the handler runs. */
    private record Command(Handler handler, boolean needsSession, Set<String> params) {}

    private static final Logger log = LoggerFactory.getLogger(RpcDispatcher.class);

    private final Map<String, Command> commands = new ConcurrentHashMap<>();
    private final AuthService auth;
    private final long maxBodyBytes;
    private final MeterRegistry metrics;
    private final DatabaseHealth storage;

    public RpcDispatcher(AuthService auth, long maxBodyBytes, MeterRegistry metrics, DatabaseHealth storage) {
        this.storage = storage;
        this.auth = auth;
        this.maxBodyBytes = maxBodyBytes;
        this.metrics = metrics;
    }

    /**
     * Registers a command that needs a logged-in caller and knows {@code params} ({@code session} is always known).
     * A parameter a command does not know is refused with its name, on reads as on writes: before this, a
     * misspelt or unsupported filter parameter was ignored and a read answered more than was asked.
     */
    public void register(String method, Set<String> params, Handler handler) {
        add(method, new Command(handler, true, known(params)));
    }

    /** Registers a command anyone may call (Login). */
    public void registerPublic(String method, Set<String> params, Handler handler) {
        add(method, new Command(handler, false, known(params)));
    }

    private static Set<String> known(Set<String> params) {
        Set<String> all = new TreeSet<>(params);
        all.add("session");
        return Set.copyOf(all);
    }

    /** The parameters {@code method} knows ({@code session} included), or null when there is no such command. */
    public Set<String> parameters(String method) {
        Command c = commands.get(method);
        return c == null ? null : c.params();
    }

    private void add(String method, Command command) {
        if (commands.putIfAbsent(method, command) != null) {
            throw new IllegalStateException("JSON-RPC command registered twice: " + method);
        }
    }

    public boolean has(String method) {
        return commands.containsKey(method);
    }

    /**
     * Runs a registered command in-process as {@code actor}, with the same checks as over HTTP (the web UI calls the
     * failover commands this way, so their logic lives in one place). Throws the command's {@link UserError}.
     */
    public JsonNode call(Actor actor, String method, ObjectNode params) {
        Command command = commands.get(method);
        if (command == null) {
            throw new UserError(UserError.Kind.NOT_FOUND, null, "This Central has no command " + method
                    + "; the failover service is not installed");
        }
        if (!actor.mayWrite() && !openToReadOnly(method)) {
            throw new UserError(UserError.Kind.PERMISSION_DENIED, null,
                    "User \"" + actor.userName() + "\" is read-only and may not call " + method);
        }
        Params checked = new Params(params, "").allowOnly(command.params());
        Object result = command.handler().handle(new RpcCall(method, checked, () -> actor));
        return result == null ? Json.MAPPER.createObjectNode() : Json.MAPPER.valueToTree(result);
    }

    /** Every registered command's name, sorted (tests enumerate them so new commands are covered). */
    public SortedSet<String> methods() {
        return new TreeSet<>(commands.keySet());
    }

    /** True when {@code method} is registered for callers without a session (Login). */
    public boolean isPublic(String method) {
        Command c = commands.get(method);
        return c != null && !c.needsSession();
    }

    /** The Javalin handler for {@code POST /mmws/json}. */
    public void handle(Context ctx) {
        JsonNode id = null;
        ObjectNode answer;
        String method = "(none)";
        Timer.Sample sample = Timer.start(metrics);
        try {
            JsonNode request = Json.parse(Requests.body(ctx, maxBodyBytes));
            if (request == null || request.isMissingNode()) {
                throw new Envelope(ErrorCodes.INVALID_REQUEST, "The request body is empty; send one JSON-RPC request object");
            }
            if (!request.isObject()) {
                throw new Envelope(ErrorCodes.INVALID_REQUEST, "The request must be one JSON object (batches are not supported)");
            }
            id = request.get("id");
            if (id != null && !(id.isTextual() || id.isNumber() || id.isNull())) {
                id = null;
                throw new Envelope(ErrorCodes.INVALID_REQUEST, "id must be a string, a number or null");
            }
            JsonNode version = request.get("jsonrpc");
            if (version != null && !"2.0".equals(version.asText(null))) {
                throw new Envelope(ErrorCodes.INVALID_REQUEST, "jsonrpc must be \"2.0\"");
            }
            JsonNode methodNode = request.get("method");
            if (methodNode == null || !methodNode.isTextual()) {
                throw new Envelope(ErrorCodes.INVALID_REQUEST, "method is required (a string)");
            }
            Command command = commands.get(methodNode.textValue());
            if (command == null) {
                throw new Envelope(ErrorCodes.METHOD_NOT_FOUND, "Unknown method \"" + clip(methodNode.textValue()) + "\"");
            }
            method = methodNode.textValue();
            JsonNode paramsNode = request.get("params");
            if (paramsNode != null && !paramsNode.isNull() && !paramsNode.isObject()) {
                throw new Envelope(ErrorCodes.INVALID_PARAMS, "params must be an object of named parameters");
            }
            Params params = paramsNode == null || paramsNode.isNull() ? Params.empty() : new Params((ObjectNode) paramsNode, "");
            Actor actor = command.needsSession() ? Requests.caller(ctx, auth, params.string("session")) : null;
            if (actor != null && !actor.mayWrite() && !openToReadOnly(method)) {
                // Checked here as well as in ChangeLog.write: a command that writes without the change
                // log (an action on a server) must not be open to read-only users either.
                throw new UserError(UserError.Kind.PERMISSION_DENIED, null,
                        "User \"" + actor.userName() + "\" is read-only and may not call " + method);
            }
            params.allowOnly(command.params());
            RpcCall call = new RpcCall(method, params, () -> {
                if (actor == null) {
                    throw new IllegalStateException(methodNode.textValue() + " is public and has no caller");
                }
                return actor;
            }, sessionToken(ctx, params), ctx.ip());
            Object result = command.handler().handle(call);
            answer = Json.MAPPER.createObjectNode().put("jsonrpc", "2.0");
            // Handlers mostly return JSON trees already; converting those again would copy every node.
            JsonNode tree = result == null ? Json.MAPPER.createObjectNode()
                    : result instanceof JsonNode node ? node : Json.MAPPER.valueToTree(result);
            answer.set("result", tree);
        } catch (Requests.BodyTooLarge e) {
            answer = error(ErrorCodes.BODY_TOO_LARGE, e.getMessage());
        } catch (JsonProcessingException e) {
            answer = error(ErrorCodes.PARSE_ERROR, "Parse error: the body is not valid JSON (" + Text.jsonProblem(e) + ")");
        } catch (IOException e) {
            answer = error(ErrorCodes.PARSE_ERROR, "Parse error: " + e.getMessage());
        } catch (Envelope e) {
            answer = error(e.code, e.getMessage());
        } catch (UserError e) {
            answer = error(ErrorCodes.of(e.kind()).code(), e.getMessage());
        } catch (RuntimeException e) {
            Optional<StorageTrouble> trouble = storage.explain(e);
            if (trouble.isPresent()) {
                // Outside a Jdbi callback (the pool could not open a connection) the disk's failure arrives unnamed.
                storage.failed(trouble.get());
                answer = error(ErrorCodes.of(UserError.Kind.STORAGE).code(), trouble.get().message());
            } else {
                // A bug of ours; the caller still gets a JSON-RPC answer, the log gets the stack trace.
                log.error("JSON-RPC {} failed", method, e);
                answer = error(ErrorCodes.INTERNAL_ERROR, "Internal error; see the Central log");
            }
        }
        answer.set("id", id);
        // Percentiles over the last minutes let an operator (and bench/central-api.sh) see the time
        // spent inside Central apart from the network and the client.
        sample.stop(Timer.builder("tandem.rpc.requests").tag("method", method).tag("outcome", answer.has("error") ? "error" : "ok")
                .publishPercentiles(0.5, 0.9, 0.99).register(metrics));
        ctx.status(200).contentType("application/json").result(Json.write(answer));
    }

    /** Micetro's read commands are named Get...; every other command may change something. */
    static boolean readsOnly(String method) {
        return method.startsWith("Get") || method.equals("Login") || method.equals("Logout");
    }

    /** What a read-only user may call: the reads, and changing its own password (which needs the old one). */
    static boolean openToReadOnly(String method) {
        return readsOnly(method) || method.equals("ChangePassword");
    }

    private static String sessionToken(Context ctx, Params params) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).strip();
        }
        return params.has("session") && params.string("session") != null ? params.string("session") : null;
    }

    private static ObjectNode error(int code, String message) {
        ObjectNode answer = Json.MAPPER.createObjectNode().put("jsonrpc", "2.0");
        answer.putObject("error").put("code", code).put("message", message);
        return answer;
    }

    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }

    /** An envelope problem with its JSON-RPC code. */
    private static final class Envelope extends Exception {
        final int code;

        Envelope(int code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }
}
