package org.tandem.sync;

import io.javalin.config.JavalinConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.change.JdbiChangeJournal;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.LiveStates;
import org.tandem.scope.JdbiAddressBlockRepository;
import org.tandem.scope.JdbiRangeRepository;
import org.tandem.scope.JdbiReservationRepository;
import org.tandem.scope.JdbiScopeRepository;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.JdbiServerRepository;

/**
 * Plugs the background jobs into Central: full config sync of every server every {@code DHCPSyncInterval}
 * seconds, import of newly registered servers within seconds, failover state polling every
 * {@code FailoverStatePollInterval} seconds, and change-journal pruning. Jobs start once Central listens and
 * stop when it stops. With PostgreSQL the jobs take advisory locks, so with several Central nodes each job
 * runs on one node at a time. Also registers the JSON-RPC commands {@code SyncDHCPServer},
 * {@code ReloadDHCPServerConfiguration} and {@code GetDHCPFailoverPeerStates}.
 */
public final class SyncExtension implements Central.Extension {

    private static final Logger log = LoggerFactory.getLogger(SyncExtension.class);
    /** Closed journal entries are kept this long (the change log keeps the diffs for good). */
    private static final Duration JOURNAL_RETENTION = Duration.ofDays(30);
    private static final Duration JOURNAL_PRUNE_INTERVAL = Duration.ofHours(1);

    private final List<BackgroundJob> extraJobs = new ArrayList<>();
    private volatile ServerSync sync;
    private volatile JobScheduler scheduler;

    /**
     * Adds a job to schedule with the others, run at start and then at its interval: the failover engine's
     * {@link ChangeRecoveryJob} goes here, built with its own targets and change recorder.
     */
    public SyncExtension with(BackgroundJob job) {
        extraJobs.add(job);
        return this;
    }

    /** The importer, for commands that sync a server now; null until installed. */
    public ServerSync sync() {
        return sync;
    }

    /** The scheduled jobs' statuses; empty until Central listens. */
    public List<JobStatus> statuses() {
        JobScheduler s = scheduler;
        return s == null ? List.of() : s.statuses();
    }

    @Override
    public void install(Central central, JavalinConfig config) {
        Jdbi jdbi = central.database().jdbi();
        Clock clock = central.clock();
        CentralConfig settings = central.config();
        JdbiServerRepository servers = new JdbiServerRepository(jdbi, central.secrets());
        JdbiScopeRepository scopeRows = new JdbiScopeRepository(jdbi);
        StoreImport store = new StoreImport(jdbi, central.scopes(), new JdbiRangeRepository(jdbi), scopeRows,
                JdbiAddressBlockRepository.pools(jdbi), new JdbiReservationRepository(jdbi));
        RelationshipImport relationships = new RelationshipImport(central.failoverRelationships(), central.failover().cache(),
                central.changeLog());
        // Central's one Kea engine: a sync refreshes the configs the change planners reuse.
        // The change engine's locks: a sync of a server waits for a change applying to it.
        ServerSync serverSync = new ServerSync(servers, store, relationships, central.failover().kea(), central.failover().locks());
        this.sync = serverSync;
        JobLock lock = JobLock.forDatabase(central.database().url());
        Duration poll = settings.failoverStatePollInterval();
        List<BackgroundJob> jobs = new ArrayList<>();
        jobs.add(new NewServerConfigPuller(serverSync, poll, lock, clock));
        jobs.add(new DhcpdFailoverStatePuller(central.failoverRelationships(), servers, central.liveStates(), poll, lock, clock));
        jobs.add(new KeaHaStatePuller(central.failoverRelationships(), servers, central.liveStates(), poll, lock, clock));
        jobs.add(new DhcpdConfigPuller(serverSync, settings.dhcpSyncInterval(), lock, clock));
        jobs.add(new KeaConfigPuller(serverSync, settings.dhcpSyncInterval(), lock, clock));
        jobs.add(new ChangeJournalPruner(new JdbiChangeJournal(jdbi), JOURNAL_RETENTION, JOURNAL_PRUNE_INTERVAL, lock, clock));
        jobs.addAll(extraJobs);
        registerCommands(central, serverSync);
        config.events.serverStarted(() -> {
            // One thread per job: a full sync of many servers never delays state polling.
            JobScheduler s = new JobScheduler(jobs.size());
            for (BackgroundJob job : jobs) {
                // The full syncs start after the first import of new servers, not at the same moment.
                boolean fullSync = job instanceof DhcpdConfigPuller || job instanceof KeaConfigPuller;
                s.schedule(job, fullSync ? settings.dhcpSyncInterval() : Duration.ZERO);
            }
            scheduler = s;
            log.info("background jobs started: sync every {} s, state polling every {} s", settings.dhcpSyncInterval().toSeconds(),
                    poll.toSeconds());
        });
        config.events.serverStopping(() -> {
            JobScheduler s = scheduler;
            if (s != null) {
                s.close();
            }
            if (lock instanceof PostgresJobLock pg) {
                pg.close();
            }
        });
    }

    private static void registerCommands(Central central, ServerSync sync) {
        central.rpc().register("SyncDHCPServer", java.util.Set.of("dhcpServerRef"), c -> {
            requireWriter(c.actor());
            return sync.sync(central.servers().get("dhcpServerRef", c.params().requiredString("dhcpServerRef")));
        });
        central.rpc().register("ReloadDHCPServerConfiguration", java.util.Set.of("dhcpServerRef"), c -> {
            requireWriter(c.actor());
            return sync.reload(central.servers().get("dhcpServerRef", c.params().requiredString("dhcpServerRef")));
        });
        central.rpc().register("GetDHCPFailoverPeerStates", java.util.Set.of("dhcpFailoverRelationshipName"), c -> {
            String name = c.params().string("dhcpFailoverRelationshipName");
            List<Map<String, Object>> out = new ArrayList<>();
            for (FailoverRelationship r : central.failoverRelationships().list(null)) {
                if (name != null && !name.equals(r.name())) {
                    continue;
                }
                for (long id : new long[] {r.primaryServerId(), r.secondaryServerId()}) {
                    central.liveStates().get(id, r.name()).ifPresent(state -> out.add(toRpc(r, state)));
                }
            }
            if (name != null && central.failoverRelationships().findByName(name).isEmpty()) {
                throw UserError.notFound("DHCP failover relationship", name);
            }
            out.sort(Comparator.comparing(m -> (String) m.get("dhcpFailoverRelationshipName")));
            return Map.of("peerStates", out, "totalResults", out.size());
        });
    }

    private static Map<String, Object> toRpc(FailoverRelationship r, LiveStates.PeerState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("dhcpFailoverRelationshipName", r.name());
        m.put("dhcpServerRef", DhcpServer.RESOURCE + "/" + s.serverId());
        m.put("localState", s.localState());
        m.put("partnerState", s.partnerState());
        m.put("since", s.since().toString());
        m.put("seenAt", s.seenAt().toString());
        m.put("reachable", s.reachable());
        m.put("detail", s.detail());
        return m;
    }

    private static void requireWriter(org.tandem.auth.Actor actor) {
        if (!actor.mayWrite()) {
            throw new UserError(UserError.Kind.PERMISSION_DENIED, null,
                    "User \"" + actor.userName() + "\" is read-only and may not sync servers");
        }
    }
}
