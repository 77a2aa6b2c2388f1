package org.tandem.failover;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jdbi.v3.core.Jdbi;
import org.tandem.auth.Actor;
import org.tandem.auth.Role;
import org.tandem.change.ChangeEngine;
import org.tandem.change.ChangeRecorder;
import org.tandem.change.ChangeRecovery;
import org.tandem.change.EngineSettings;
import org.tandem.change.JdbiChangeJournal;
import org.tandem.change.ServerDiff;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.UserError;
import org.tandem.kea.InMemoryKeaConfigStore;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.hooks.KeaHookLocator;
import org.tandem.scope.JdbiAddressBlockRepository;
import org.tandem.scope.JdbiReservationRepository;
import org.tandem.scope.JdbiRangeRepository;
import org.tandem.scope.JdbiScopeRepository;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.sync.JobLock;

/**
 * Wires the failover part of Central in plain code: the server targets, the change engine with its
 * journal and recovery, the Kea engine, and the {@link FailoverService}. The change engine records
 * every applied change in the change log, one entry per server with its diff.
 */
public final class FailoverModule {

    /** The change log's object type for a server configuration diff. */
    public static final String CONFIG_OBJ_TYPE = "DHCPServerConfiguration";

    private final LiveStates liveStates;
    private final ServerTargets targets;
    private final ChangeEngine engine;
    private final ChangeRecovery recovery;
    private final FailoverService service;
    private final ScopeWrites scopeWrites;
    private final AddressRecords addressRecords;
    private final ScopeOptionWrites scopeOptions;
    private final JobLock locks;
    private final KeaEngine kea;
    private final FailoverCache cache;
    private final FailoverCheck check;

    private FailoverModule(LiveStates liveStates, ServerTargets targets, ChangeEngine engine, ChangeRecovery recovery,
            FailoverService service, ScopeWrites scopeWrites, ScopeOptionWrites scopeOptions, AddressRecords addressRecords, JobLock locks,
            KeaEngine kea, FailoverCache cache, FailoverCheck check) {
        this.addressRecords = addressRecords;
        this.cache = cache;
        this.check = check;
        this.scopeWrites = scopeWrites;
        this.scopeOptions = scopeOptions;
        this.kea = kea;
        this.locks = locks;
        this.liveStates = liveStates;
        this.targets = targets;
        this.engine = engine;
        this.recovery = recovery;
        this.service = service;
    }

    /**
     * Builds the failover part on Central's database, services, clock and change engine settings; {@code keaHooksLocation}
     * is Central's hook directory preference for Kea servers without one of their own (null: none).
     */
    public static FailoverModule create(Jdbi jdbi, String jdbcUrl, ServerService servers, ScopeService scopes, ChangeLog changeLog,
            FailoverRepository relationships, LiveStates liveStates, Clock clock, EngineSettings settings, Path keaHooksLocation) {
        KeaEngine kea = KeaEngine.withHookPreferences(new InMemoryKeaConfigStore(), clock, server -> hookPreference(servers, server,
                keaHooksLocation));
        ServerTargets targets = new ServerTargets(servers, relationships, kea, clock, settings.serverStepTimeout());
        JobLock locks = JobLock.forDatabase(jdbcUrl);
        JdbiChangeJournal journal = new JdbiChangeJournal(jdbi);
        ChangeRecorder recorder = record -> changeLog.write(new Actor(record.who(), Role.Administrator), record.saveComment(), log -> {
            for (ServerDiff diff : record.diffs()) {
                if (diff.unifiedDiff().isEmpty()) {
                    continue;
                }
                String ref;
                try {
                    ref = servers.get("server", diff.server()).ref();
                } catch (UserError gone) {
                    ref = diff.server();
                }
                Map<String, Object> after = new LinkedHashMap<>();
                after.put("changeId", record.changeId());
                after.put("server", diff.server());
                after.put("diff", diff.unifiedDiff());
                log.modified(CONFIG_OBJ_TYPE, ref, Map.of("changeId", record.changeId()), after);
            }
            return null;
        });
        ChangeEngine engine = new ChangeEngine(targets, List.of(), journal, recorder, locks, clock, settings);
        ChangeRecovery recovery = new ChangeRecovery(targets, journal, recorder, locks, clock, settings);
        PeerAddresses peerAddresses = new PeerAddresses(jdbi);
        FailoverCache cache = new FailoverCache(relationships, new JdbiScopeRepository(jdbi), new JdbiRangeRepository(jdbi), peerAddresses);
        FailoverService service = new FailoverService(servers, scopes, new JdbiScopeRepository(jdbi), JdbiAddressBlockRepository.pools(jdbi),
                relationships, peerAddresses, cache, targets, kea, engine, changeLog);
        ScopeWrites scopeWrites = new ScopeWrites(jdbi, scopes, new JdbiScopeRepository(jdbi), JdbiAddressBlockRepository.pools(jdbi),
                new JdbiReservationRepository(jdbi), relationships, service, targets, kea, engine, changeLog);
        FailoverCheck check = new FailoverCheck(service, relationships, new JdbiScopeRepository(jdbi), targets, kea);
        ScopeOptionWrites scopeOptions = new ScopeOptionWrites(scopes, service, targets, kea, scopeWrites);
        return new FailoverModule(liveStates, targets, engine, recovery, service, scopeWrites, scopeOptions, new AddressRecords(scopes, service, clock),
                locks, kea, cache, check);
    }

    /** The server's own hook directory, else Central's; read when a HA relationship is planned, so a change applies at once. */
    private static KeaHookLocator.Preference hookPreference(ServerService servers, String server, Path central) {
        String own = servers.findByName(server).map(DhcpServer::keaHooksLocation).orElse(null);
        if (own != null) {
            return new KeaHookLocator.Preference(Path.of(own), KeaHookLocator.SERVER_SETTING);
        }
        return central == null ? null : new KeaHookLocator.Preference(central, KeaHookLocator.CENTRAL_SETTING);
    }

    public FailoverService service() {
        return service;
    }

    /** Scope, pool and reservation writes that reach the servers through the change engine. */
    public ScopeWrites scopeWrites() {
        return scopeWrites;
    }

    /** Address records and next free address, with the servers' leases. */
    public AddressRecords addressRecords() {
        return addressRecords;
    }

    /** A scope's DHCP options, read from and written to its servers. */
    public ScopeOptionWrites scopeOptions() {
        return scopeOptions;
    }

    public LiveStates liveStates() {
        return liveStates;
    }

    public ServerTargets targets() {
        return targets;
    }

    public ChangeEngine engine() {
        return engine;
    }

    public ChangeRecovery recovery() {
        return recovery;
    }

    /**
     * Central's one Kea engine: the sync jobs, the web UI and the change engine's targets all read Kea servers through
     * it, so every config-get refreshes the last-synced config that planners reuse ({@link KeaEngine#forPlanning}).
     */
    public KeaEngine kea() {
        return kea;
    }

    /** The store's cache of what the servers declare about failover; the sync and the writes both fill it. */
    public FailoverCache cache() {
        return cache;
    }

    /** The consistency check: the store against both peers' configs, and the peers against each other. */
    public FailoverCheck check() {
        return check;
    }

    /** The locks the engine and recovery share with every other Central node on this database. */
    public JobLock locks() {
        return locks;
    }
}
