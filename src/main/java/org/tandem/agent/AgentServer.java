package org.tandem.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.common.UserError;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.dhcpd.leases.LeasesParser;
import org.tandem.omapi.OmapiClient;
import org.tandem.omapi.OmapiException;
import org.tandem.tls.HttpsConnector;

/**
 * The Tandem agent's HTTP server, run next to dhcpd (config read/write, leases, failover state and partner-down) or
 * next to Kea (control commands and lossless edits of its config file). Every request must carry
 * {@code Authorization: Bearer TOKEN}.
 */
public final class AgentServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AgentServer.class);
    /** A 20,000-subnet dhcpd.conf is about 3.4 MB; JSON escaping can double it. */
    static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
    /** About 600,000 leases; beyond that one JSON answer is the wrong tool. */
    static final long MAX_LEASES_BYTES = 128L * 1024 * 1024;
    private static final Duration OMAPI_TIMEOUT = Duration.ofSeconds(5);

    private final AgentSettings settings;
    private final ObjectMapper json = AgentJson.mapper();
    private final DhcpdProbe probe;
    private final DhcpdProcess dhcpd;
    private final DhcpdConfigService configs;
    /** Set when the agent runs next to Kea; then the dhcpd routes are not served. */
    private final KeaConfigService kea;
    private final byte[] tokenDigest;
    private final BodyBudget bodies;
    private final RefusalLog refusals;
    private Javalin app;

    public AgentServer(AgentSettings settings, Clock clock) {
        this(settings, clock, BodyBudget.forHeap(Runtime.getRuntime().maxMemory(), MAX_BODY_BYTES));
    }

    /** @param maxInFlightBodyBytes request-body bytes held at once; beyond it requests with a body get 503 */
    AgentServer(AgentSettings settings, Clock clock, long maxInFlightBodyBytes) {
        this.settings = settings;
        this.bodies = new BodyBudget(maxInFlightBodyBytes);
        this.refusals = new RefusalLog(log, clock, Duration.ofMinutes(1), 20);
        this.probe = new DhcpdProbe(settings, clock);
        this.dhcpd = new DhcpdProcess(settings, probe);
        this.configs = new DhcpdConfigService(settings, dhcpd, clock);
        this.kea = settings.kea() == null ? null : new KeaConfigService(settings);
        this.tokenDigest = sha256(settings.token());
    }

    /** Binds and starts serving; returns this for chaining. */
    public AgentServer start() {
        app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.startup.showOldJavalinVersionWarning = false;
            cfg.http.maxRequestSize = MAX_BODY_BYTES;
            if (settings.tls() != null) {
                HttpsConnector.install(cfg, settings.tls(), settings.listenHost(), settings.listenPort());
            }
            cfg.routes.before(this::authenticate);
            if (kea != null) {
                keaRoutes(cfg.routes);
            } else {
                routes(cfg.routes);
            }
            cfg.routes.exception(UserError.class, (e, ctx) -> error(ctx, e));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                int status = e.getStatus();
                String message = status == 413 ? "the request body is larger than " + MAX_BODY_BYTES + " bytes"
                        : status == 404 ? "no such agent route: " + ctx.method() + " " + ctx.path()
                        : e.getMessage();
                error(ctx, status, status == 404 ? "NOT_FOUND" : "INVALID_INPUT", null, message, null);
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                log.error("agent request {} {} failed", ctx.method(), ctx.path(), e);
                error(ctx, 500, "INTERNAL", null, "the agent failed unexpectedly (" + e.getClass().getSimpleName()
                        + "); see its log", null);
            });
        }).start(settings.listenHost(), settings.listenPort());
        log.info("tandem agent listening with {} on {}:{} for {}", settings.tls() == null ? "HTTP" : "HTTPS", settings.listenHost(), app.port(),
                settings.confPath());
        return this;
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return app.port();
    }

    /** An agent next to Kea: health, Kea's control commands through its unix socket, and config patches. */
    private void keaRoutes(io.javalin.config.RoutesConfig r) {
        r.get("/v1/health", ctx -> send(ctx, 200, kea.health()));
        r.post("/v1/kea/command", withBody(ctx -> {
            byte[] bytes = ctx.bodyAsBytes();
            if (bytes.length == 0) {
                throw UserError.invalid("body", "a Kea command object is required");
            }
            ctx.status(200).contentType("application/json").result(kea.command(bytes));
        }));
        r.post("/v1/kea/config/patch", withBody(ctx -> {
            AgentApi.KeaPatchRequest req = body(ctx, AgentApi.KeaPatchRequest.class);
            send(ctx, 200, kea.patch(req));
        }));
    }

    private void routes(io.javalin.config.RoutesConfig r) {
        r.get("/v1/health", ctx -> {
            String why = probe.whyNotRunning();
            send(ctx, 200, new AgentApi.HealthView(why == null, why == null ? "dhcpd is running" : why));
        });
        r.get("/v1/config", ctx -> send(ctx, 200, configs.read()));
        r.get("/v1/dhcpd/addresses", ctx -> send(ctx, 200, new DhcpdAddresses(settings).read()));
        r.post("/v1/dhcpd/stop", withBody(ctx -> {
            requireConfirm(ctx, "stopping dhcpd ends its DHCP service and failover on this server until it is started again");
            log.warn("stopping dhcpd on request");
            send(ctx, 200, dhcpd.stop());
        }));
        r.post("/v1/dhcpd/start", withBody(ctx -> {
            requireConfirm(ctx, "starting dhcpd on a server whose addresses another DHCP server now serves would hand them "
                    + "out twice");
            log.warn("starting dhcpd on request");
            send(ctx, 200, dhcpd.start());
        }));
        r.put("/v1/config", withBody(ctx -> {
            AgentApi.WriteConfigRequest req = body(ctx, AgentApi.WriteConfigRequest.class);
            send(ctx, 200, configs.write(req));
        }));
        r.post("/v1/config/validate", withBody(ctx -> {
            AgentApi.ValidateConfigRequest req = body(ctx, AgentApi.ValidateConfigRequest.class);
            send(ctx, 200, configs.check(req));
        }));
        r.get("/v1/leases", ctx -> {
            if (settings.leasesPath() == null) {
                throw new UserError(UserError.Kind.NOT_FOUND, null, "this agent was started without --leases");
            }
            String text;
            try {
                // dhcpd rewrites the file by rename, so it is opened by path on every request.
                if (Files.size(settings.leasesPath()) > MAX_LEASES_BYTES) {
                    throw new UserError(UserError.Kind.SERVER_REFUSED, null, "the leases file " + settings.leasesPath()
                            + " is larger than " + MAX_LEASES_BYTES / (1024 * 1024) + " MiB; the agent does not serve it whole");
                }
                text = Files.readString(settings.leasesPath(), StandardCharsets.ISO_8859_1);
            } catch (NoSuchFileException e) {
                throw new UserError(UserError.Kind.NOT_FOUND, null, "the leases file " + settings.leasesPath() + " does not exist");
            }
            send(ctx, 200, AgentApi.LeasesView.fromLeasesFile(settings.leasesPath().toString(), LeasesParser.parse(text)));
        });
        r.get("/v1/failover/{name}", ctx -> {
            String name = relationship(ctx);
            try (OmapiClient c = omapi()) {
                send(ctx, 200, AgentApi.FailoverStateView.fromStatus(c.failoverState(name)));
            } catch (OmapiException e) {
                throw notFoundIfUnknown(e, name);
            }
        });
        r.post("/v1/failover/{name}/partner-down", withBody(ctx -> {
            String name = relationship(ctx);
            requireConfirm(ctx, "partner-down lets this server take over all addresses, so confirm that the partner is down "
                    + "and will not restart on its own");
            try (OmapiClient c = omapi()) {
                log.warn("setting failover relationship {} to partner-down on request", name);
                send(ctx, 200, AgentApi.FailoverStateView.fromStatus(c.setLocalState(name, DhcpdFailoverState.PARTNER_DOWN)));
            } catch (OmapiException e) {
                throw notFoundIfUnknown(e, name);
            }
        }));
    }

    /**
     * Runs {@code handler} with the request's body bytes (its Content-Length, or the largest allowed body when it
     * sends none) reserved in the in-flight budget for the whole request, or answers 503 at once without reading it.
     */
    private Handler withBody(Handler handler) {
        return ctx -> {
            long declared = ctx.req().getContentLengthLong();
            long bytes = declared < 0 || declared > MAX_BODY_BYTES ? MAX_BODY_BYTES : declared;
            if (!bodies.tryReserve(bytes)) {
                refusals.refused(ctx.method().name(), ctx.path(), ctx.ip(), "busy, " + bytes + " body bytes over the in-flight limit");
                discardBody(ctx);
                ctx.header("Retry-After", "5");
                error(ctx, 503, "BUSY", null, "the agent is receiving " + (bodies.limit() / (1024 * 1024))
                        + " MiB of request bodies already, its limit; nothing was done, retry in a few seconds", null);
                return;
            }
            try {
                handler.handle(ctx);
            } finally {
                bodies.release(bytes);
            }
        };
    }

    /**
     * Reads a refused request's body into a small buffer and drops it, up to twice the largest body allowed: a client
     * still sending when the answer comes and the connection closes sees a broken pipe, not the 503 and its reason.
     */
    private static void discardBody(Context ctx) {
        byte[] buffer = new byte[64 * 1024];
        long left = 2 * MAX_BODY_BYTES;
        try {
            java.io.InputStream in = ctx.req().getInputStream();
            for (int n = in.read(buffer); n >= 0 && left > 0; n = in.read(buffer)) {
                left -= n;
            }
        } catch (java.io.IOException e) {
            // The client went away; there is nobody left to answer.
        }
    }

    /** Request-body bytes reserved by requests in progress now. */
    long bodyBytesInFlight() {
        return bodies.held();
    }

    /** dhcpd answers ISC_R_NOTFOUND (23) when no {@code failover peer} has that name. */
    private static UserError notFoundIfUnknown(OmapiException e, String name) {
        if (e.problem() == OmapiException.Problem.REFUSED && e.resultCode() == 23) {
            return new UserError(UserError.Kind.NOT_FOUND, "name",
                    "dhcpd has no failover relationship \"" + name + "\" (no failover peer of that name in its running config)");
        }
        return e;
    }

    private OmapiClient omapi() {
        if (settings.omapiHost() == null) {
            throw new UserError(UserError.Kind.NOT_FOUND, null, "this agent was started without --omapi");
        }
        return OmapiClient.connect(settings.omapiHost(), settings.omapiPort(), settings.omapiKey(), OMAPI_TIMEOUT);
    }

    private static String relationship(Context ctx) {
        String name = ctx.pathParam("name");
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw UserError.invalid("name", "a failover relationship name is 1 to 64 letters, digits, '.', '_' or '-'");
        }
        return name;
    }

    /** Token check in constant time: both sides are hashed first so neither content nor length leaks. */
    private void authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String given = header != null && header.startsWith("Bearer ") ? header.substring(7) : null;
        if (given == null || !MessageDigest.isEqual(sha256(given), tokenDigest)) {
            refusals.refused(ctx.method().name(), ctx.path(), ctx.ip(), "missing or wrong token");
            throw new UserError(UserError.Kind.AUTHENTICATION, null,
                    "missing or wrong agent token: send the contents of the agent's --token-file as \"Authorization: Bearer TOKEN\"");
        }
    }

    /**
     * Refuses a request whose body is not {@code {"confirm": true}}, saying {@code why} it must be; an empty body or a
     * confirm that is not a boolean is refused the same way, a field other than confirm is named.
     */
    private void requireConfirm(Context ctx, String why) {
        Boolean confirm = null;
        if (ctx.bodyAsBytes().length > 0) {
            try {
                AgentApi.ConfirmRequest req = body(ctx, AgentApi.ConfirmRequest.class);
                confirm = req == null ? null : req.confirm();
            } catch (UserError e) {
                if (!"confirm".equals(e.field()) && !"body".equals(e.field())) {
                    throw e;
                }
            }
        }
        if (!Boolean.TRUE.equals(confirm)) {
            throw UserError.invalid("confirm", "must be true: " + why);
        }
    }

    private <T> T body(Context ctx, Class<T> type) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            throw UserError.invalid("body", "a JSON object is required");
        }
        try {
            return json.readValue(bytes, type);
        } catch (UnrecognizedPropertyException e) {
            throw UserError.invalid(e.getPropertyName(), "is not a field of this request; allowed: "
                    + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            String field = e.getPath().isEmpty() ? "body" : e.getPath().get(0).getFieldName();
            throw UserError.invalid(field == null ? "body" : field, "has the wrong type or format");
        } catch (JsonProcessingException e) {
            throw UserError.invalid("body", "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw UserError.invalid("body", "could not be read");
        }
    }

    private void send(Context ctx, int status, Object value) throws JsonProcessingException {
        ctx.status(status).contentType("application/json").result(json.writeValueAsString(value));
    }

    private void error(Context ctx, UserError e) {
        int status = switch (e.kind()) {
            case INVALID_INPUT -> 400;
            case AUTHENTICATION -> 401;
            case PERMISSION_DENIED -> 403;
            case NOT_FOUND -> 404;
            case CONFLICT -> 409;
            case SERVER_REFUSED -> 422;
            case UNREACHABLE -> 502;
            case STORAGE -> 503;
        };
        Map<String, Object> details = e instanceof AgentError a ? a.details() : Map.of();
        error(ctx, status, e.kind().name(), e.field(), e.getMessage(), details);
    }

    private void error(Context ctx, int status, String kind, String field, String message, Map<String, Object> details) {
        try {
            send(ctx, status, new AgentApi.ErrorBody(kind, field, message, details == null ? Map.of() : new LinkedHashMap<>(details)));
        } catch (JsonProcessingException e) {
            ctx.status(500).result("{\"kind\":\"INTERNAL\",\"message\":\"could not encode the error\"}");
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
    }
}
