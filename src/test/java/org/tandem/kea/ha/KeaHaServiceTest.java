package org.tandem.kea.ha;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tandem.auth.Actor;
import org.tandem.auth.Role;
import org.tandem.changelog.ChangeLog;
import org.tandem.changelog.JdbiChangeLogRepository;
import org.tandem.common.UserError;
import org.tandem.failover.ServerTargets;
import org.tandem.kea.FakeKea;
import org.tandem.kea.InMemoryKeaConfigStore;
import org.tandem.kea.KeaEngine;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.JdbiServerRepository;
import org.tandem.servers.ServerService;
import org.tandem.store.Database;
import org.tandem.store.ListQuery;

/**
 * KeaHaService's checks, against a fake Kea answering with a captured Kea 2.2 hot-standby config (server1 primary,
 * server2 standby): every bad input is refused naming its field before any HA command is sent, and nothing is recorded.
 */
class KeaHaServiceTest {

    private static final Actor ADMIN = new Actor("alice", Role.Administrator);
    private static final Actor READER = new Actor("bob", Role.ReadOnly);

    private final FakeKea fake = FakeKea.started();
    private Database db;
    private ChangeLog changes;
    private ServerService servers;
    private KeaHaService ha;
    private DhcpServer kea;

    @BeforeEach
    void setUp() {
        db = Database.open(Database.temporaryUrl("ha-service-" + UUID.randomUUID()));
        changes = new ChangeLog(db.jdbi(), new JdbiChangeLogRepository(db.jdbi()), Clock.systemUTC());
        servers = new ServerService(new JdbiServerRepository(db.jdbi(), org.tandem.store.SecretBox.ephemeral()), changes);
        KeaEngine engine = new KeaEngine(new InMemoryKeaConfigStore(), Clock.systemUTC(), null);
        ha = new KeaHaService(servers, ServerTargets::keaClient, engine::sync, engine.actions(), changes);
        fake.answerFile("version-get", "kea22-version-get.json").answerFile("config-get", "kea22-config-get-hot-standby.json");
        kea = servers.add(ADMIN, null, "dhcpServer", new ServerService.NewServer("kea-a", "Kea", "127.0.0.1", (long) fake.url().getPort(),
                null, null, null, null));
        servers.add(ADMIN, null, "dhcpServer", new ServerService.NewServer("isc-a", "ISC", "127.0.0.1", 1L, "token-never-used", null, null,
                null));
    }

    @AfterEach
    void tearDown() {
        fake.close();
        db.close();
    }

    private List<String> haCommandsSent() {
        return fake.requests().stream().map(r -> r.body().replaceAll("(?s).*\"command\"\\s*:\\s*\"([^\"]+)\".*", "$1"))
                .filter(c -> c.startsWith("ha-")).toList();
    }

    private long history() {
        return changes.history(ListQuery.all()).items().stream().filter(e -> e.objectType().equals(KeaHaService.OBJ_TYPE)).count();
    }

    @Test
    void keaServer_iscOrUnknownOrMissing_isRefusedNamingTheField() {
        assertThatThrownBy(() -> ha.keaServer("dhcpServerRef", "isc-a")).isInstanceOf(UserError.class)
                .hasMessageStartingWith("dhcpServerRef: \"isc-a\" is an ISC DHCP server");
        assertThatThrownBy(() -> ha.keaServer("server", "nope")).hasMessage("DHCP server \"nope\" was not found");
        assertThatThrownBy(() -> ha.keaServer("dhcpServerRef", " ")).hasMessageStartingWith("dhcpServerRef: is required");
        assertThat(ha.keaServer("dhcpServerRef", kea.ref()).name()).isEqualTo("kea-a");
    }

    @Test
    void readOnlyActor_isRefusedBeforeAnythingIsAsked() {
        assertThatThrownBy(() -> ha.maintenanceStart(READER, kea, null)).isInstanceOf(UserError.class)
                .satisfies(e -> assertThat(((UserError) e).kind()).isEqualTo(UserError.Kind.PERMISSION_DENIED))
                .hasMessageContaining("read-only");
        assertThatThrownBy(() -> ha.sync(READER, kea, null, null, null)).hasMessageContaining("read-only");
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void sync_badPeerOrPeriod_isRefusedNamingTheField_andNothingSent() {
        assertThatThrownBy(() -> ha.sync(ADMIN, kea, "server1", null, null)).hasMessageStartingWith("peerName: \"server1\" is kea-a itself")
                .hasMessageContaining("server2");
        assertThatThrownBy(() -> ha.sync(ADMIN, kea, "server9", null, null)).hasMessageStartingWith("peerName: \"server9\" is not a peer")
                .hasMessageContaining("its peers are server2");
        assertThatThrownBy(() -> ha.sync(ADMIN, kea, "a\"b", null, null)).hasMessageStartingWith("peerName:");
        assertThatThrownBy(() -> ha.sync(ADMIN, kea, null, 0L, null)).hasMessageStartingWith("maxPeriod: must be from 1 to 86400");
        assertThatThrownBy(() -> ha.sync(ADMIN, kea, null, 86_401L, null)).hasMessageStartingWith("maxPeriod:");
        assertThat(haCommandsSent()).isEmpty();
        assertThat(history()).isZero();
    }

    @Test
    void sync_withoutPeer_sendsHaSyncNamingThePartner_andRecordsIt() {
        fake.answer("status-get", FakeKea.resource("kea22-status-get-hot-standby-primary.json"))
                .answer("ha-sync", "[{\"result\":0,\"text\":\"Lease database synchronization complete.\"}]");
        KeaHaService.Outcome o = ha.sync(ADMIN, kea, null, 20L, "before the upgrade");
        assertThat(o.answer()).isEqualTo("Lease database synchronization complete.");
        assertThat(o.arguments()).containsEntry("server-name", "server2").containsEntry("max-period", 20L);
        assertThat(o.stateBefore()).isEqualTo("hot-standby");
        assertThat(haCommandsSent()).containsExactly("ha-sync");
        assertThat(fake.requests().stream().filter(r -> r.body().contains("ha-sync")).findFirst().orElseThrow().body())
                .contains("\"server-name\":\"server2\"").contains("\"max-period\":20");
        var entry = changes.history(ListQuery.all()).items().stream().filter(e -> e.objectType().equals(KeaHaService.OBJ_TYPE)).findFirst()
                .orElseThrow();
        assertThat(entry.userName()).isEqualTo("alice");
        assertThat(entry.saveComment()).isEqualTo("before the upgrade");
        assertThat(entry.objectRef()).isEqualTo(kea.ref());
        assertThat(entry.afterJson()).contains("\"command\":\"ha-sync\"").contains("\"server\":\"kea-a\"");
        assertThat(entry.beforeJson()).contains("\"haState\":\"hot-standby\"");
    }

    @Test
    void scopes_badNames_areRefusedNamingTheField_andNothingSent() {
        assertThatThrownBy(() -> ha.scopes(ADMIN, kea, null, null)).hasMessageStartingWith("scopes: is required");
        assertThatThrownBy(() -> ha.scopes(ADMIN, kea, List.of("HA_server1"), null)).hasMessageStartingWith("scopes: \"HA_server1\" is a client class")
                .hasMessageContaining("\"server1\"");
        // Hot-standby has one scope, the primary's: the standby's name is not one.
        assertThatThrownBy(() -> ha.scopes(ADMIN, kea, List.of("server2"), null))
                .hasMessageStartingWith("scopes: \"server2\" is not a HA scope of kea-a's relationship (hot-standby); its scopes are server1");
        assertThatThrownBy(() -> ha.scopes(ADMIN, kea, List.of("server1;"), null)).hasMessageStartingWith("scopes: \"server1;\" is not a server name");
        assertThat(haCommandsSent()).isEmpty();
        assertThat(history()).isZero();
    }

    @Test
    void keaRefusal_isPassedOnInKeasWords_andNothingIsRecorded() {
        fake.answer("status-get", FakeKea.resource("kea22-status-get-hot-standby-primary.json")).answer("ha-maintenance-cancel",
                "[{\"result\":1,\"text\":\"Unable to cancel the maintenance for the server not in the partner-in-maintenance state.\"}]");
        assertThatThrownBy(() -> ha.maintenanceCancel(ADMIN, kea, null)).isInstanceOf(UserError.class)
                .hasMessage("Kea server \"kea-a\" refused 'ha-maintenance-cancel' (result 1): Unable to cancel the maintenance for the server"
                        + " not in the partner-in-maintenance state.");
        assertThat(history()).isZero();
    }

    @Test
    void serverWithoutHa_isRefusedBeforeAnyHaCommand() {
        fake.answer("config-get", FakeKea.resource("kea22-config-get-hot-standby.json").replace("high-availability", "no-ha-here"));
        assertThatThrownBy(() -> ha.continueStateMachine(ADMIN, kea, null)).hasMessageContaining("has no High Availability relationship");
        assertThat(haCommandsSent()).isEmpty();
    }

    @Test
    void saveComment_tooLong_isRefusedBeforeTheCommandIsSent() {
        assertThatThrownBy(() -> ha.continueStateMachine(ADMIN, kea, "x".repeat(ChangeLog.MAX_COMMENT + 1)))
                .hasMessageStartingWith("saveComment: is longer than");
        assertThat(fake.requests()).isEmpty();
    }
}
