package org.tandem.change;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandem.common.UserError;
import org.tandem.sync.JobLock;
import org.tandem.sync.LocalJobLock;
import org.tandem.testing.MutableClock;

/**
 * Two fake dhcpd peers, a journal on a fresh SQLite, a change log and a clock: what a Central has around
 * its change engine. Engines built from it share the journal and servers, like a restarted Central.
 */
final class EngineFixture implements AutoCloseable {

    static final String OLD_A = """
            authoritative;
            failover peer "pair-1" {
              primary;
              address 198.18.0.1;
              port 647;
              peer address 198.18.0.2;
              peer port 847;
              mclt 3600;
              split 128;
            }
            subnet 198.18.10.0 netmask 255.255.255.0 {
              pool {
                failover peer "pair-1";
                range 198.18.10.10 198.18.10.100;
              }
            }
            """;
    static final String OLD_B = """
            authoritative;
            failover peer "pair-1" {
              secondary;
              address 198.18.0.2;
              port 847;
              peer address 198.18.0.1;
              peer port 647;
            }
            subnet 198.18.10.0 netmask 255.255.255.0 {
              pool {
                failover peer "pair-1";
                range 198.18.10.10 198.18.10.100;
              }
            }
            """;
    static final String NEW_SUBNET = """
            subnet 198.18.11.0 netmask 255.255.255.0 {
              pool {
                failover peer "pair-1";
                range 198.18.11.10 198.18.11.100;
              }
            }
            """;
    static final String NEW_A = OLD_A + NEW_SUBNET;
    static final String NEW_B = OLD_B + NEW_SUBNET;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T05:00:00Z"));
    /** Steps of both servers; the engine validates the two at once, so from two threads. */
    final List<String> events = java.util.Collections.synchronizedList(new ArrayList<>());
    final FakeServer a = new FakeServer("dhcp-a", OLD_A, clock, events);
    final FakeServer b = new FakeServer("dhcp-b", OLD_B, clock, events);
    final Map<String, FakeServer> servers = new LinkedHashMap<>();
    final TestDatabases db;
    final ChangeJournal journal;
    final InMemoryChangeRecorder recorder = new InMemoryChangeRecorder();
    final LocalJobLock locks = new LocalJobLock();
    final EngineSettings settings = new EngineSettings(Duration.ofSeconds(60));

    EngineFixture() {
        this(TestDatabases.sqlite());
    }

    /** A fixture whose journal lives in the given database (closed with the fixture). */
    EngineFixture(TestDatabases db) {
        this.db = db;
        this.journal = new JdbiChangeJournal(db.jdbi());
        servers.put(a.name(), a);
        servers.put(b.name(), b);
    }

    ServerTarget target(String name) {
        FakeServer server = servers.get(name);
        if (server == null) {
            throw UserError.notFound("DHCP server", name);
        }
        return server;
    }

    ChangeEngine engine(ChangeJournal journal, List<RuleCheck> rules) {
        return engine(journal, rules, locks);
    }

    /** The engine of one Central node, with that node's locks. */
    ChangeEngine engine(ChangeJournal journal, List<RuleCheck> rules, JobLock nodeLocks) {
        return new ChangeEngine(this::target, rules, journal, recorder, nodeLocks, clock, settings);
    }

    ChangeEngine engine() {
        return engine(journal, List.of());
    }

    ChangeRecovery recovery() {
        return recovery(locks);
    }

    ChangeRecovery recovery(JobLock nodeLocks) {
        return new ChangeRecovery(this::target, journal, recorder, nodeLocks, clock, settings);
    }

    /** The change that adds one subnet to both peers, secondary first. */
    static ChangePlan addSubnetPlan() {
        return new ChangePlan(List.of(new ServerChange("dhcp-b", OLD_B, NEW_B), new ServerChange("dhcp-a", OLD_A, NEW_A)),
                "admin", "add 198.18.11.0/24");
    }

    @Override
    public void close() {
        db.close();
    }
}
