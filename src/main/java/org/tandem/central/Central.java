package org.tandem.central;

import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.AuthService;
import org.tandem.auth.JdbiSessionRepository;
import org.tandem.auth.JdbiUserRepository;
import org.tandem.auth.LoginThrottle;
import org.tandem.change.EngineSettings;
import org.tandem.changelog.ChangeLog;
import org.tandem.changelog.JdbiChangeLogRepository;
import org.tandem.failover.FailoverModule;
import org.tandem.failover.FailoverRepository;
import org.tandem.failover.InMemoryLiveStates;
import org.tandem.failover.LiveStates;
import org.tandem.http.FailoverApiExtras;
import org.tandem.http.rest.FailoverRest;
import org.tandem.http.rpc.FailoverCommands;
import org.tandem.http.rpc.KeaHaCommands;
import org.tandem.http.rest.KeaHaRest;
import org.tandem.failover.ServerTargets;
import org.tandem.kea.ha.KeaHaService;
import org.tandem.migrate.KeaMigration;
import org.tandem.sync.ChangeRecoveryJob;
import org.tandem.failover.JdbiFailoverRepository;
import org.tandem.http.ErrorCodes;
import org.tandem.http.JsonErrorHandler;
import org.tandem.http.Requests;
import org.tandem.http.SecurityHeaders;
import org.tandem.http.rest.MicetroPaths;
import org.tandem.http.rest.RestApi;
import org.tandem.http.rpc.MicetroCommands;
import org.tandem.http.rpc.RpcDispatcher;
import org.tandem.scope.JdbiAddressBlockRepository;
import org.tandem.scope.JdbiRangeRepository;
import org.tandem.scope.JdbiReservationRepository;
import org.tandem.scope.JdbiScopeRepository;
import org.tandem.scope.ScopeService;
import org.tandem.servers.JdbiServerRepository;
import org.tandem.store.SecretBox;
import org.tandem.servers.ServerService;
import org.tandem.store.Database;
import org.tandem.store.StorageTrouble;
import org.tandem.common.UserError;
import org.tandem.http.Json;
import org.tandem.tls.ClientTrust;
import org.tandem.tls.HttpsConnector;
import org.tandem.tls.ServerIdentity;

/**
 * Tandem Central, wired in plain code: database, services, JSON-RPC, REST, OpenAPI, metrics and
 * health on one Javalin instance. Later parts plug in through {@link Extension}s, which get the
 * services and the Javalin config before the server starts (to register RPC commands and routes).
 */
public final class Central implements AutoCloseable {

    /** Something that adds to Central (the failover engine, the web UI) before it starts listening. */
    @FunctionalInterface
    public interface Extension {
        void install(Central central, JavalinConfig config);
    }

    /**
     * How to start: where to listen, which database, the checked config, the clock, the extensions, the password for
     * the {@code administrator} user if it must be created (null: create nobody), and the certificate to serve HTTPS
     * with (null: plain HTTP), and the key the stored server secrets are encrypted with.
     */
    public record Options(String host, int port, String jdbcUrl, CentralConfig config, Clock clock, List<Extension> extensions,
            String administratorPassword, ServerIdentity tls, SecretBox secrets) {
        public Options {
            extensions = List.copyOf(extensions);
        }

        /**
         * A key kept only in memory: for in-memory databases (tests, benchmarks) that die with the process. A Central on a
         * database that outlives it must be given the key that outlives it too ({@link SecretBox#load}).
         */
        public Options(String host, int port, String jdbcUrl, CentralConfig config, Clock clock, List<Extension> extensions,
                String administratorPassword, ServerIdentity tls) {
            this(host, port, jdbcUrl, config, clock, extensions, administratorPassword, tls, SecretBox.ephemeral());
        }

        /** Plain HTTP. */
        public Options(String host, int port, String jdbcUrl, CentralConfig config, Clock clock, List<Extension> extensions,
                String administratorPassword) {
            this(host, port, jdbcUrl, config, clock, extensions, administratorPassword, null);
        }
    }

    public static final String OPENAPI_PATH = "/mmws/api/v2/openapi.json";
    /** How often Central tries a write to know whether it can (and to notice that it can again, without a restart). */
    static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
    /**
     * How long a migration waits for a Kea server to reach its HA state after a config-set: a sync and a few heartbeats,
     * where a heartbeat-delay mapped from dhcpd's max-response-delay (a third of it) may be 20 s or more.
     */
    private static final Duration MIGRATION_HA_DEADLINE = Duration.ofMinutes(3);
    private static final Logger log = LoggerFactory.getLogger(Central.class);

    private final Options options;
    private final Database database;
    private final PrometheusMeterRegistry metrics;
    private final ChangeLog changeLog;
    private final AuthService auth;
    private final ServerService servers;
    private final ScopeService scopes;
    private final FailoverRepository failoverRelationships;
    private final LiveStates liveStates;
    private final FailoverModule failover;
    private final KeaHaService keaHa;
    private final KeaMigration migration;
    private final RpcDispatcher rpc;
    private final ScheduledExecutorService jobs;
    private final ScheduledExecutorService probe;
    private Javalin app;
    private boolean administratorCreated;

    private Central(Options options, Database database) {
        this.options = options;
        this.database = database;
        var jdbi = database.jdbi();
        Clock clock = options.clock();
        CentralConfig config = options.config();
        this.metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        this.changeLog = new ChangeLog(jdbi, new JdbiChangeLogRepository(jdbi), clock);
        this.auth = new AuthService(new JdbiUserRepository(jdbi), new JdbiSessionRepository(jdbi), changeLog, clock, config.sessionTimeout(),
                config.sessionMaxAge(), new LoginThrottle(clock, LoginThrottle.Limits.DEFAULT));
        JdbiServerRepository serverRows = new JdbiServerRepository(jdbi, options.secrets());
        // Before anything reads a server: encrypts clear secrets left by an older Tandem, and stops here if the key is wrong.
        int sealed = serverRows.sealStoredSecrets();
        if (sealed > 0) {
            log.info("Encrypted the stored secrets of {} DHCP servers", sealed);
        }
        this.servers = new ServerService(serverRows, changeLog);
        this.scopes = new ScopeService(new JdbiRangeRepository(jdbi), new JdbiScopeRepository(jdbi), JdbiAddressBlockRepository.pools(jdbi),
                JdbiAddressBlockRepository.exclusions(jdbi), new JdbiReservationRepository(jdbi), servers, changeLog);
        this.failoverRelationships = new JdbiFailoverRepository(jdbi);
        this.liveStates = new InMemoryLiveStates();
        this.failover = FailoverModule.create(jdbi, database.url(), servers, scopes, changeLog, failoverRelationships, liveStates, clock,
                new EngineSettings(config.serverStepTimeout()), config.keaHooksLocation());
        // HA actions check names against a recent read of the server's config (the engine's, shared with the planners).
        this.keaHa = new KeaHaService(servers, ServerTargets::keaClient, failover.kea()::forPlanning, failover.kea().actions(), changeLog);
        this.rpc = new RpcDispatcher(auth, config.maxRequestBytes(), metrics, database.health());
        new MicetroCommands(auth, servers, scopes, failover.scopeWrites(), failover.scopeOptions(), failover.addressRecords(), changeLog,
                new FailoverApiExtras(failover.service(), scopes, failover.scopeWrites())).registerAll(rpc);
        this.migration = new KeaMigration(failover.service(), failover.kea(), changeLog, clock, MIGRATION_HA_DEADLINE);
        new FailoverCommands(failover.service(), failover.check(), liveStates, migration).registerAll(rpc);
        new KeaHaCommands(keaHa).registerAll(rpc);
        this.jobs = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("central-jobs").daemon().factory());
        // Its own thread: the other jobs contact DHCP servers and may take minutes, the probe must not wait behind them.
        this.probe = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("database-probe").daemon().factory());
    }

    /** Opens the database (migrating it), wires everything and starts listening. */
    public static Central start(Options options) {
        long t0 = System.nanoTime();
        ClientTrust.install(options.config().tls().clientTrust());
        Database database = Database.open(options.jdbcUrl());
        long t1 = System.nanoTime();
        Central central;
        try {
            // Migrating may have written nothing (an up-to-date schema reads fine from a read-only file): "ready" must
            // mean Central can write, so one write is tried before anything else.
            Optional<StorageTrouble> trouble = database.health().probe();
            if (trouble.isPresent()) {
                throw new UserError(UserError.Kind.STORAGE, null, trouble.get().startMessage());
            }
            central = new Central(options, database);
            // Before listening, so "ready" means the administrator can log in.
            if (options.administratorPassword() != null) {
                central.administratorCreated = central.auth.ensureAdministrator(options.administratorPassword());
            }
            long t2 = System.nanoTime();
            central.listen();
            log.info("Central started: database {} ms, services {} ms, HTTP {} ms",
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000);
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        return central;
    }

    private void listen() {
        RestApi rest = new RestApi(auth, servers, scopes, failover.scopeWrites(), failover.scopeOptions(), failover.addressRecords(), changeLog,
                options.config().maxRequestBytes());
        byte[] openApi = resource("/openapi.json");
        app = Javalin.create(config -> {
            // Platform threads: a request waiting for SQLite's write lock in native code would pin a virtual thread's
            // carrier, and with as many waiting as CPUs the writer holding the lock could not run (docs/reliability.md).
            config.concurrency.useVirtualThreads = false;
            config.startup.showJavalinBanner = false;
            // Our own readers refuse large bodies with an API error first; this is Jetty's backstop.
            config.http.maxRequestSize = options.config().maxRequestBytes();
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler("/mmws/json")));
            // Micetro's resource names are case-insensitive (DHCPScopes, dhcpScopes); MicetroPaths maps its
            // other request forms (the unversioned /mmws/api/, Users/users/3, ?&filter=) onto the same routes.
            config.router.caseInsensitiveRoutes = true;
            config.jetty.modifyServletContextHandler(handler -> handler.addFilter(new FilterHolder(new MicetroPaths()), "/*",
                    EnumSet.of(DispatcherType.REQUEST)));
            if (options.tls() != null) {
                HttpsConnector.install(config, options.tls(), options.host(), options.port());
            }
            config.routes.before(SecurityHeaders::set);
            config.routes.before(ctx -> {
                // A route that never reads its body (any GET) would answer and leave an oversized body
                // unread; Jetty then drops the keep-alive connection under the client. Refuse such
                // requests here for every REST path (JSON-RPC answers its own 413 in the protocol).
                String declared = ctx.header("Content-Length");
                long max = options.config().maxRequestBytes();
                if (!ctx.path().equals(Requests.RPC_PATH) && declared != null && declared.matches("[0-9]{1,18}") && Long.parseLong(declared) > max) {
                    ctx.header("Connection", "close");
                    Requests.body(ctx, max);
                }
            });
            config.routes.after(ctx -> Requests.discardUnreadBody(ctx, options.config().maxRequestBytes()));
            config.routes.post("/mmws/json", rpc::handle);
            rest.install(config.routes);
            new FailoverRest(auth, failover.service(), failover.check(), liveStates, migration, options.config().maxRequestBytes()).install(config.routes);
            new KeaHaRest(auth, keaHa, options.config().maxRequestBytes()).install(config.routes);
            config.routes.get(OPENAPI_PATH, ctx -> ctx.contentType("application/json").result(openApi));
            config.routes.get(RestApi.BASE + "/swagger.json", ctx -> ctx.contentType("application/json").result(openApi));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            config.routes.get("/health", this::health);
            config.routes.error(404, ctx -> {
                // Our own 404s (unknown refs) are already JSON; only Javalin's "no such route" is replaced.
                String type = ctx.res().getContentType();
                if (type == null || !type.startsWith("application/json")) {
                    String sent = ctx.attribute(MicetroPaths.SENT_PATH);
                    RestApi.error(ctx, 404, ErrorCodes.RESOURCE_NOT_FOUND, "No resource at " + ctx.method() + " " + (sent != null ? sent : ctx.path()));
                }
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                // Outside a Jdbi callback (a connection the pool could not open) a storage failure arrives unnamed.
                Optional<StorageTrouble> trouble = database.health().explain(e);
                if (trouble.isPresent()) {
                    database.health().failed(trouble.get());
                    RestApi.error(ctx, 503, ErrorCodes.of(UserError.Kind.STORAGE).code(), trouble.get().message());
                    return;
                }
                log.error("{} {} failed", ctx.method(), ctx.path(), e);
                RestApi.error(ctx, 500, ErrorCodes.INTERNAL_ERROR, "Internal error; see the Central log");
            });
            for (Extension extension : options.extensions()) {
                extension.install(this, config);
            }
        });
        app.start(options.host(), options.port());
        probe.scheduleWithFixedDelay(database.health()::probe, PROBE_INTERVAL.toMillis(), PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        jobs.scheduleWithFixedDelay(new SessionPurger(auth), 1, 60, TimeUnit.MINUTES);
        // Settles changes a killed Central left half-applied: at start, then now and then.
        jobs.scheduleWithFixedDelay(new ChangeRecoveryJob(failover.recovery(), Duration.ofMinutes(5), failover.locks(), options.clock()),
                0, 5, TimeUnit.MINUTES);
    }

    /**
     * {@code /health}: 200 {@code {"status":"UP"}}; 200 {@code {"status":"DEGRADED","reason":...}} while the database
     * refuses writes (the last write failed for the disk's sake, or the probe did); 503 {@code {"status":"DOWN"}} when
     * it cannot even be read. DEGRADED is 200 on purpose: Central still serves every read and sign-ins of sessions it
     * has, and a load balancer that drops a node on any non-2xx would take those reads away from every user too, while
     * fixing nothing. Monitoring alerts on the status field instead.
     */
    private void health(Context ctx) {
        ObjectNode body = Json.MAPPER.createObjectNode();
        try {
            database.jdbi().useHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one());
        } catch (RuntimeException e) {
            log.error("health check: the database does not answer a read", e);
            String reason = database.health().explain(e).map(StorageTrouble::message)
                    .orElse("the database does not answer a read; see the Central log");
            ctx.status(503).contentType("application/json").result(Json.write(body.put("status", "DOWN").put("reason", reason)));
            return;
        }
        Optional<StorageTrouble> trouble = database.health().trouble();
        if (trouble.isPresent()) {
            body.put("status", "DEGRADED").put("reason", trouble.get().message());
        } else {
            body.put("status", "UP");
        }
        ctx.contentType("application/json").result(Json.write(body));
    }

    private static byte[] resource(String name) {
        try (InputStream in = Central.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The port Central listens on (the real one when started with port 0). */
    public int port() {
        return app.port();
    }

    /** {@code https} when Central serves TLS, else {@code http}. */
    public String scheme() {
        return options.tls() == null ? "http" : "https";
    }

    /** True when this start created the {@code administrator} user (first start on this database). */
    public boolean administratorCreated() {
        return administratorCreated;
    }

    public Database database() {
        return database;
    }

    /** The key the stored server secrets are encrypted with, for extensions that read servers from the database. */
    public SecretBox secrets() {
        return options.secrets();
    }

    public AuthService auth() {
        return auth;
    }

    public ServerService servers() {
        return servers;
    }

    public ScopeService scopes() {
        return scopes;
    }

    public ChangeLog changeLog() {
        return changeLog;
    }

    public FailoverRepository failoverRelationships() {
        return failoverRelationships;
    }

    /** Live failover peer states; the state pullers report into it. */
    public LiveStates liveStates() {
        return liveStates;
    }

    public FailoverModule failover() {
        return failover;
    }

    /** Kea HA actions (ha-sync, ha-scopes, maintenance, ha-continue): the API's and the web UI's one way to them. */
    public KeaHaService keaHa() {
        return keaHa;
    }

    public RpcDispatcher rpc() {
        return rpc;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    public CentralConfig config() {
        return options.config();
    }

    public Clock clock() {
        return options.clock();
    }

    @Override
    public void close() {
        jobs.shutdownNow();
        probe.shutdownNow();
        if (app != null) {
            app.stop();
        }
        database.close();
    }
}
