package org.tandem.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.agent.AgentClient;
import org.tandem.change.ChangeEvent.Phase;
import org.tandem.change.FaultInjectionPause;
import org.tandem.change.TestDatabases;
import org.tandem.lab.DhcpdLab;
import org.tandem.store.Database;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * Tandem Central in a child JVM, killed with SIGKILL at each step of a two-server failover change on a
 * real dhcpd pair (DhcpdLab), then started again on the same database: the embedded default (SQLite in the data
 * directory), or with {@code -Dtandem.killtest.postgres=true} PostgreSQL (a schema of its own on
 * {@code TANDEM_TEST_PG_URL}; DurabilityKillIT covers both under load). The change toggles a
 * scope in and out of the relationship (add, then remove, ...), so each kill hits a real two-server
 * change whatever the previous kill left. After every restart: each server runs its old or its new
 * config, complete (the same on both peers, {@code dhcpd -t} passes, failover {@code normal} on both
 * sides), the store agrees with the servers, and in the end every journal entry is closed.
 */
class CentralKilledMidChangeIT {

    private static final String REL = "fo-kill";
    private static final String FIRST = "dhcp-b";
    private static final String SECOND = "dhcp-a";
    private static final String TOGGLED_SUBNET = "198.19.211.0";
    private static final Duration STEP_DEADLINE = Duration.ofSeconds(90);

    /**
     * Where the Central is killed: each event the engine emits for each server, and after DONE (committed,
     * journal closed). DONE comes midway so the kills after it hit the reverse change (remove).
     */
    private static final List<String> KILL_POINTS = List.of(
            FIRST + ":" + Phase.VALIDATING, SECOND + ":" + Phase.VALIDATING,
            FIRST + ":" + Phase.PREPARING, FIRST + ":" + Phase.APPLYING, FIRST + ":" + Phase.VERIFYING,
            "*:" + Phase.DONE,
            FIRST + ":" + Phase.APPLIED,
            SECOND + ":" + Phase.PREPARING, SECOND + ":" + Phase.APPLYING, SECOND + ":" + Phase.VERIFYING, SECOND + ":" + Phase.APPLIED);

    private static DhcpdLab lab;
    private static CentralProcess central;
    private static TestDatabases database;
    private static FailoverCalls api;
    private static String primaryRef;
    private static String toggledScope;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        // The scopes come from the primary's own config, as on a real server Tandem is pointed at.
        new AgentClient(lab.primary().agentUri(), lab.primary().agentToken()).writeConfig(lab.baseConfig()
                + "subnet 198.19.210.0 netmask 255.255.255.0 {\n  pool {\n    range 198.19.210.10 198.19.210.99;\n  }\n}\n"
                + "subnet " + TOGGLED_SUBNET + " netmask 255.255.255.0 {\n  pool {\n    range 198.19.211.10 198.19.211.99;\n  }\n}\n", null);
        boolean postgres = Boolean.getBoolean("tandem.killtest.postgres");
        database = postgres ? TestDatabases.postgres() : null;
        central = new CentralProcess("FailoverStatePollInterval: 1\n", postgres ? database.url() : null);
        central.start(Map.of());
        api = new FailoverCalls(central::rpc, CentralKilledMidChangeIT::logText);
        api.login(CentralProcess.ADMIN_PASSWORD);
        primaryRef = api.addServer("dhcp-a", lab.primary().agentUri().getPort(), lab.primary().agentToken());
        api.addServer("dhcp-b", lab.secondary().agentUri().getPort(), lab.secondary().agentToken());
        awaitLog("synced dhcp-a");
        awaitLog("synced dhcp-b");
        api.addRelationship(REL, lab);
        api.call("AddDHCPScopesToDHCPFailoverRelationship", scopeParams(api.scope("198.19.210.0", primaryRef), ""));
        toggledScope = api.scope(TOGGLED_SUBNET, primaryRef);
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab, database);
    }

    @Test
    void sigkillAtEachStepOfATwoServerChange_everyServerOldOrNewAndComplete_journalSettlesEachChange() throws Exception {
        List<String> report = new ArrayList<>();
        for (String point : KILL_POINTS) {
            central.kill();
            Path marker = Files.createTempFile("tandem-fault-", ".marker");
            Files.delete(marker);
            try {
                Duration startup = central.start(Map.of(FaultInjectionPause.PAUSE_AT, point, FaultInjectionPause.MARKER, marker.toString()));
                Duration settle = awaitRecoveryPass();
                central.logText().lines().filter(l -> l.contains("recovery of change") || l.contains("applying to"))
                        .forEach(l -> System.out.println("CentralKilledMidChangeIT log: " + l));
                boolean scopeIn = assertOldOrNewAndComplete();
                api.login(CentralProcess.ADMIN_PASSWORD);
                String change = scopeIn ? "remove" : "add";
                Instant t0 = Instant.now();
                CompletableFuture<JsonNode> answer = CompletableFuture.supplyAsync(() -> scopeIn
                        ? api.answer("RemoveDHCPScopesFromDHCPFailoverRelationship", scopeParams(toggledScope,
                                ",\"dhcpFailoverRelationshipDeconfigureAction\":\"Delete\""))
                        : api.answer("AddDHCPScopesToDHCPFailoverRelationship", scopeParams(toggledScope, "")));
                awaitMarker(marker, answer, point);
                Duration reached = Duration.between(t0, Instant.now());
                central.kill();
                report.add(String.format("%-22s %-6s start %5d ms, recovery pass after %5d ms, step reached after %6d ms, SIGKILL",
                        point, change, startup.toMillis(), settle.toMillis(), reached.toMillis()));
                System.out.println("CentralKilledMidChangeIT: " + report.getLast());
            } finally {
                Files.deleteIfExists(marker);
            }
        }
        Duration startup = central.start(Map.of());
        Duration settle = awaitRecoveryPass();
        boolean scopeIn = assertOldOrNewAndComplete();
        report.add(String.format("final restart: start %d ms, recovery pass after %d ms, scope %s", startup.toMillis(), settle.toMillis(),
                scopeIn ? "in failover" : "not in failover"));
        central.kill();
        Map<String, Integer> states = journalStates();
        report.add("journal entries by state: " + states);
        System.out.println("CentralKilledMidChangeIT: " + KILL_POINTS.size() + " SIGKILLs\n  " + String.join("\n  ", report));
        // Every entry is there and closed: applied, the setup's change and the one killed after DONE (its entry was
        // closed before DONE); undone, every other killed change but the two killed before the journal began.
        assertThat(states).containsExactlyInAnyOrderEntriesOf(Map.of("APPLIED", 2, "UNDONE", KILL_POINTS.size() - 3));
    }

    /** Waits for the first recovery pass of the Central just started (it settles what the killed one left). */
    private static Duration awaitRecoveryPass() throws Exception {
        Instant t0 = Instant.now();
        awaitLog("change recovery pass done");
        return Duration.between(t0, Instant.now());
    }

    private static void awaitMarker(Path marker, CompletableFuture<JsonNode> answer, String point) throws Exception {
        Instant end = Instant.now().plus(STEP_DEADLINE);
        while (Instant.now().isBefore(end)) {
            if (Files.exists(marker)) {
                return;
            }
            if (answer.isDone()) {
                throw new AssertionError("the change ended before reaching " + point + ": " + answer.get() + "\n" + central.logText());
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the change did not reach " + point + " within " + STEP_DEADLINE.toSeconds() + " s:\n" + central.logText());
    }

    /**
     * Both servers run the old or the new config of the toggled scope, the same one (a pair half-changed
     * would not mirror), each passes {@code dhcpd -t}, both peers reach normal, and the store says what
     * the servers say. Returns whether the scope is in failover now.
     */
    private static boolean assertOldOrNewAndComplete() throws Exception {
        boolean onPrimary = toggledBlock(lab.primary()).contains("failover peer \"" + REL + "\";");
        boolean onSecondary = toggledBlock(lab.secondary()).contains("failover peer \"" + REL + "\";");
        assertThat(onSecondary).as("the toggled scope in failover on the secondary exactly when on the primary:\n"
                + Files.readString(lab.primary().conf()) + "\n---\n" + Files.readString(lab.secondary().conf())
                + "\n--- Central's log since its restart:\n" + central.logText()).isEqualTo(onPrimary);
        for (DhcpdLab.Server s : lab.servers()) {
            Process check = new ProcessBuilder("/usr/sbin/dhcpd", "-t", "-q", "-cf", s.conf().toString()).redirectErrorStream(true).start();
            assertThat(check.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(check.exitValue()).as("dhcpd -t on " + s.label() + ":\n" + new String(check.getInputStream().readAllBytes()))
                    .isZero();
            lab.awaitNormal(s, REL, STEP_DEADLINE);
        }
        api.login(CentralProcess.ADMIN_PASSWORD);
        JsonNode rel = api.call("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"" + primaryRef + "\",\"dhcpFailoverRelationshipName\":\""
                + REL + "\"}").path("dhcpFailoverRelationship");
        assertThat(rel.path("dhcpScopeRefs").toString().contains("\"" + toggledScope + "\""))
                .as("store's relationship lists the scope exactly when the servers serve it in failover: " + rel).isEqualTo(onSecondary);
        int instances = api.call("GetDHCPScopeInstances", "{\"dhcpScopeRef\":\"" + toggledScope + "\"}").path("dhcpScopes").size();
        assertThat(instances).as("scope instances in the store").isEqualTo(onSecondary ? 2 : 1);
        return onSecondary;
    }

    /** The toggled subnet's declaration in a server's dhcpd.conf (empty when it has none); the lab configs declare no nested blocks after it. */
    private static String toggledBlock(DhcpdLab.Server s) throws java.io.IOException {
        String conf = Files.readString(s.conf());
        int start = conf.indexOf("subnet " + TOGGLED_SUBNET + " ");
        if (start < 0) {
            return "";
        }
        int end = conf.indexOf("\nsubnet ", start + 1);
        return conf.substring(start, end < 0 ? conf.length() : end);
    }

    private static Map<String, Integer> journalStates() {
        try (Database db = Database.open(database == null ? Database.embeddedUrl(central.dataDir()) : database.url())) {
            Map<String, Integer> out = new LinkedHashMap<>();
            db.jdbi().useHandle(h -> h.createQuery("SELECT id, state, save_comment, outcome FROM change_journal ORDER BY id")
                    .map((rs, ctx) -> rs.getLong("id") + " " + rs.getString("state") + " " + rs.getString("outcome"))
                    .forEach(entry -> {
                        System.out.println("CentralKilledMidChangeIT journal: " + entry);
                        out.merge(entry.split(" ")[1], 1, Integer::sum);
                    }));
            return out;
        }
    }

    private static String scopeParams(String scope, String extra) {
        return FailoverCalls.scopeParams(primaryRef, REL, scope, extra);
    }

    private static void awaitLog(String line) throws Exception {
        Instant end = Instant.now().plus(STEP_DEADLINE);
        while (!central.logText().contains(line)) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("Central never logged \"" + line + "\" within " + STEP_DEADLINE.toSeconds() + " s:\n" + logText());
            }
            Thread.sleep(100);
        }
    }

    private static String logText() {
        try {
            return central.logText();
        } catch (java.io.IOException e) {
            return "(no Central log: " + e.getMessage() + ")";
        }
    }
}
