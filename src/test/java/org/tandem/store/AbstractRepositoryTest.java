package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tandem.auth.Actor;
import org.tandem.auth.AuthService;
import org.tandem.auth.JdbiSessionRepository;
import org.tandem.auth.JdbiUserRepository;
import org.tandem.auth.Role;
import org.tandem.changelog.ChangeEntry;
import org.tandem.changelog.ChangeLog;
import org.tandem.changelog.JdbiChangeLogRepository;
import org.tandem.common.UserError;
import org.tandem.failover.FailoverRelationship;
import org.tandem.failover.JdbiFailoverRepository;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.JdbiAddressBlockRepository;
import org.tandem.scope.JdbiRangeRepository;
import org.tandem.scope.JdbiReservationRepository;
import org.tandem.scope.JdbiScopeRepository;
import org.tandem.scope.Range;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.JdbiServerRepository;
import org.tandem.servers.ServerService;

/**
 * The repository and service suite, written once and run against every database engine Central
 * supports: the embedded SQLite ({@link SqliteRepositoryTest}) and PostgreSQL ({@link PostgresRepositoryIT}).
 */
abstract class AbstractRepositoryTest {

    /** A JDBC URL of a fresh, empty database for one test. */
    protected abstract String freshDatabase();

    /** Drops what {@link #freshDatabase()} made. */
    protected abstract void dropDatabase();

    private static final Actor ADMIN = new Actor("alice", Role.Administrator);
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    private Database db;
    private ChangeLog changes;
    private ServerService servers;
    private ScopeService scopes;
    private AuthService auth;
    private JdbiFailoverRepository failover;

    @BeforeEach
    void open() {
        db = Database.open(freshDatabase());
        var jdbi = db.jdbi();
        changes = new ChangeLog(jdbi, new JdbiChangeLogRepository(jdbi), clock);
        servers = new ServerService(new JdbiServerRepository(jdbi, SecretBox.ephemeral()), changes);
        scopes = new ScopeService(new JdbiRangeRepository(jdbi), new JdbiScopeRepository(jdbi), JdbiAddressBlockRepository.pools(jdbi),
                JdbiAddressBlockRepository.exclusions(jdbi), new JdbiReservationRepository(jdbi), servers, changes);
        auth = new AuthService(new JdbiUserRepository(jdbi), new JdbiSessionRepository(jdbi), changes, clock, Duration.ofMinutes(10));
        failover = new JdbiFailoverRepository(jdbi);
    }

    @AfterEach
    void close() {
        try {
            if (db != null) {
                db.close();
            }
        } finally {
            dropDatabase();
        }
    }

    private DhcpServer server(String name) {
        return servers.add(ADMIN, null, "dhcpServer", new ServerService.NewServer(name, "Kea", "127.0.0.1", null, null, "u", "secret-pw", true));
    }

    private Range range(String subnet) {
        return scopes.addRange(ADMIN, null, "range", new ScopeService.NewRange(null, subnet, null, null, null));
    }

    private DhcpScope scope(Range r, DhcpServer s) {
        return scopes.addScope(ADMIN, null, "dhcpScope", new ScopeService.NewScope(r.ref(), s.ref(), null, null, null));
    }

    private long historySize() {
        return changes.history(ListQuery.all()).totalResults();
    }

    @Test
    void servers_roundTripWithSecrets_butChangeLogHasNone() {
        DhcpServer s = server("kea-a");
        DhcpServer found = servers.get("ref", "kea-a");
        assertThat(found).isEqualTo(s);
        assertThat(found.password()).isEqualTo("secret-pw");
        assertThat(found.port()).isEqualTo(8000);
        ChangeEntry entry = changes.history(ListQuery.all()).items().get(0);
        assertThat(entry.afterJson()).contains("\"hasPassword\":true").doesNotContain("secret-pw");
        assertThat(entry.userName()).isEqualTo("alice");
    }

    @Test
    void ranges_overlapAnywhere_isRefusedNamingBoth() {
        range("10.0.0.0/24");
        range("10.0.2.0/24");
        long before = historySize();
        for (String[] fromTo : List.of(new String[] {"10.0.0.255", "10.0.1.10"}, new String[] {"10.0.1.0", "10.0.2.0"},
                new String[] {"9.0.0.0", "11.0.0.0"}, new String[] {"10.0.2.7", "10.0.2.8"})) {
            assertThatThrownBy(() -> scopes.addRange(ADMIN, null, "range", new ScopeService.NewRange("x", null, fromTo[0], fromTo[1], null)))
                    .isInstanceOf(UserError.class).hasMessageContaining("Range " + fromTo[0] + "-" + fromTo[1] + " overlaps range \"10.0.");
        }
        assertThat(historySize()).isEqualTo(before);
        assertThat(scopes.addRange(ADMIN, null, "range", new ScopeService.NewRange(null, null, "10.0.1.0", "10.0.1.255", null)).name())
                .isEqualTo("10.0.1.0/24");
    }

    @Test
    void scopes_oneRangeOnTwoServers_nameRefAmbiguous_idRefWorks() {
        Range r = range("192.0.2.0/24");
        DhcpScope a = scope(r, server("a"));
        scope(r, server("b"));
        assertThatThrownBy(() -> scopes.scope("dhcpScopeRef", "192.0.2.0/24")).hasMessageContaining("several scopes");
        assertThat(scopes.scope("dhcpScopeRef", "dhcpScopes/" + a.id())).isEqualTo(a);
        assertThat(scopes.scope("dhcpScopeRef", "DHCPScopes/" + a.id())).isEqualTo(a);
        assertThatThrownBy(() -> scope(r, servers.get("s", "a"))).hasMessageContaining("already serves");
    }

    @Test
    void list_filterPagingSorting_andTotalResults() {
        DhcpServer s = server("s1");
        for (int i = 0; i < 25; i++) {
            scope(range("10.1." + i + ".0/24"), s);
        }
        scope(range("10.2.0.0/24"), s);
        Page<DhcpScope> page = scopes.scopes(new ListQuery("name:^10.1.", 10, 10, "name", true));
        assertThat(page.totalResults()).isEqualTo(25);
        assertThat(page.items()).hasSize(10);
        List<String> all = scopes.scopes(new ListQuery("name:^10.1.", 0, 100, "name", true)).items().stream().map(DhcpScope::name).toList();
        assertThat(all).isSortedAccordingTo((x, y) -> y.compareTo(x));
        assertThat(page.items().stream().map(DhcpScope::name).toList()).isEqualTo(all.subList(10, 20));
        assertThat(scopes.scopes(ListQuery.filtered("name=10.2.0.0/24 AND dhcpServerRef=" + s.ref())).totalResults()).isEqualTo(1);
        assertThat(scopes.scopes(ListQuery.filtered("name:/24$ AND enabled=false")).totalResults()).isZero();
        assertThat(scopes.scopes(ListQuery.filtered("from=10.1.3.0")).items()).extracting(DhcpScope::name).containsExactly("10.1.3.0/24");
    }

    @Test
    void pools_outsideScopeOrOverlapping_areRefusedNamingBoth() {
        DhcpScope sc = scope(range("10.9.0.0/24"), server("s"));
        scopes.addBlock(ADMIN, null, AddressBlock.Kind.POOL, "dhcpScopeRef", sc.ref(), "pool", "10.9.0.10", "10.9.0.20");
        assertThatThrownBy(() -> scopes.addBlock(ADMIN, null, AddressBlock.Kind.POOL, "dhcpScopeRef", sc.ref(), "pool", "10.9.0.250", "10.9.1.5"))
                .hasMessage("Address pool 10.9.0.250-10.9.1.5 is outside scope \"10.9.0.0/24\" (" + sc.ref() + ", 10.9.0.0-10.9.0.255)");
        assertThatThrownBy(() -> scopes.addBlock(ADMIN, null, AddressBlock.Kind.POOL, "dhcpScopeRef", sc.ref(), "pool", "10.9.0.20", "10.9.0.30"))
                .hasMessageContaining("overlaps address pool 10.9.0.10-10.9.0.20");
        // An exclusion may cover a pool's addresses: exclusions and pools are checked separately.
        scopes.addBlock(ADMIN, null, AddressBlock.Kind.EXCLUSION, "dhcpScopeRef", sc.ref(), "x", "10.9.0.15", "10.9.0.16");
        assertThat(scopes.blocks(AddressBlock.Kind.POOL, "s", sc.ref(), ListQuery.all()).totalResults()).isEqualTo(1);
    }

    @Test
    void reservations_outsideScopeOrDuplicate_areRefused() {
        DhcpScope sc = scope(range("10.8.0.0/24"), server("s"));
        scopes.addReservation(ADMIN, null, "owner", sc.ref(), "r", new ScopeService.NewReservation("pc1", "00-11-22-33-44-55", null, List.of("10.8.0.5"), null));
        assertThat(scopes.reservation("ref", "pc1").clientIdentifier()).isEqualTo("00:11:22:33:44:55");
        assertThatThrownBy(() -> scopes.addReservation(ADMIN, null, "owner", sc.ref(), "r",
                new ScopeService.NewReservation("pc2", "00:11:22:33:44:66", null, List.of("10.8.1.5"), null)))
                .hasMessageContaining("Reservation \"pc2\" (10.8.1.5) is outside scope \"10.8.0.0/24\"");
        assertThatThrownBy(() -> scopes.addReservation(ADMIN, null, "owner", sc.ref(), "r",
                new ScopeService.NewReservation("pc3", "00:11:22:33:44:55", null, List.of("10.8.0.6"), null)))
                .hasMessageContaining("the same client as reservation \"pc1\"");
    }

    @Test
    void reservations_bootValues_storedModifiedAndCleared_andTheirRemovalRemembered() {
        DhcpScope sc = scope(range("10.4.0.0/24"), server("s"));
        org.tandem.scope.Reservation r = scopes.addReservation(ADMIN, null, "owner", sc.ref(), "r", new ScopeService.NewReservation("pc1",
                "00:11:22:33:44:55", null, List.of("10.4.0.5"), null, new org.tandem.scope.Reservation.Boot("pc1.example.org", "pxelinux.0", "", "10.4.0.2")));
        assertThat(scopes.reservation("ref", r.ref()).boot())
                .isEqualTo(new org.tandem.scope.Reservation.Boot("pc1.example.org", "pxelinux.0", null, "10.4.0.2"));
        org.tandem.scope.Reservation changed = scopes.modifiedReservation(r, "properties", new ScopeService.ReservationChanges(null, null, null,
                List.of("10.4.0.6"), null, new org.tandem.scope.Reservation.Boot(null, "grub.efi", "boot.example.org", null),
                java.util.Set.of("filename", "serverName", "nextServer")));
        scopes.modifyReservation(ADMIN, null, "properties", changed);
        org.tandem.scope.Reservation after = scopes.reservation("ref", r.ref());
        assertThat(after.address().toString()).isEqualTo("10.4.0.6");
        assertThat(after.boot()).isEqualTo(new org.tandem.scope.Reservation.Boot("pc1.example.org", "grub.efi", "boot.example.org", null));
        assertThatThrownBy(() -> scopes.modifiedReservation(r, "properties", new ScopeService.ReservationChanges(null, null, null, null, null,
                new org.tandem.scope.Reservation.Boot(null, null, null, "not-an-address"), java.util.Set.of("nextServer"))))
                .hasMessageContaining("properties.nextServer");
        assertThat(changes.wasRemoved(org.tandem.scope.Reservation.OBJ_TYPE, r.ref())).isFalse();
        scopes.removeReservation(ADMIN, null, "ref", r.ref());
        assertThat(changes.wasRemoved(org.tandem.scope.Reservation.OBJ_TYPE, r.ref())).isTrue();
    }

    @Test
    void users_micetroDetails_storedAndChanged() {
        auth.addUser(ADMIN, null, "user", "dave", "dave-password-1", "ReadOnly",
                new org.tandem.auth.User.Details("Dave Operator", "dave@example.org", null));
        assertThat(auth.user("ref", "dave").details()).isEqualTo(new org.tandem.auth.User.Details("Dave Operator", "dave@example.org", ""));
        auth.modifyUser(ADMIN, null, "user", "dave", null, null, new org.tandem.auth.User.Details(null, "", "night shift"));
        assertThat(auth.user("ref", "dave").details()).isEqualTo(new org.tandem.auth.User.Details("Dave Operator", "", "night shift"));
        assertThatThrownBy(() -> auth.modifyUser(ADMIN, null, "user", "dave", null, null, new org.tandem.auth.User.Details(null, "not mail", null)))
                .hasMessageContaining("user.email");
    }

    @Test
    void removeScope_cascadesAndLogsEveryObject() {
        DhcpScope sc = scope(range("10.7.0.0/24"), server("s"));
        scopes.addBlock(ADMIN, null, AddressBlock.Kind.POOL, "d", sc.ref(), "p", "10.7.0.10", "10.7.0.20");
        scopes.removeScope(ADMIN, "gone", "ref", sc.ref());
        Page<ChangeEntry> removed = changes.history(ListQuery.filtered("action=Removed"));
        assertThat(removed.items()).extracting(ChangeEntry::objectType).containsExactly("DHCPAddressPool", "DHCPScope");
        assertThat(removed.items()).allMatch(e -> e.saveComment().equals("gone"));
        assertThat(scopes.blocks(AddressBlock.Kind.POOL, null, null, ListQuery.all()).totalResults()).isZero();
    }

    @Test
    void failedWrite_rollsBackItsWorkAndItsLogEntry() {
        Range r = range("10.6.0.0/24");
        long before = historySize();
        assertThatThrownBy(() -> changes.write(ADMIN, "half", log -> {
            scopes.removeRange(ADMIN, null, "ref", r.ref());
            throw new IllegalStateException("boom after the delete");
        })).hasMessageContaining("boom");
        assertThat(scopes.range("ref", r.ref())).isEqualTo(r);
        assertThat(historySize()).isEqualTo(before);
    }

    @Test
    void readOnlyUser_cannotWrite() {
        Actor reader = new Actor("bob", Role.ReadOnly);
        assertThatThrownBy(() -> scopes.addRange(reader, null, "range", new ScopeService.NewRange(null, "10.5.0.0/24", null, null, null)))
                .isInstanceOf(UserError.class).extracting(e -> ((UserError) e).kind()).isEqualTo(UserError.Kind.PERMISSION_DENIED);
    }

    @Test
    void users_passwordAndRoleChanges_endTheRightSessions() {
        auth.ensureAdministrator("long-enough-pw");
        auth.addUser(ADMIN, null, "user", "carol", "carol-password-1", "ReadOnly");
        String kept = auth.login("carol", "carol-password-1");
        String other = auth.login("carol", "carol-password-1");
        String admins = auth.login("administrator", "long-enough-pw");
        auth.changePassword(new Actor("carol", Role.ReadOnly), "carol-password-1", "carol-password-2", kept, "127.0.0.1");
        assertThat(auth.session(kept).userName()).isEqualTo("carol");
        assertThatThrownBy(() -> auth.session(other)).extracting(e -> ((UserError) e).kind()).isEqualTo(UserError.Kind.AUTHENTICATION);
        assertThat(auth.session(admins).userName()).isEqualTo("administrator");

        auth.modifyUser(ADMIN, null, "user", "carol", "carol-password-3", "Administrator");
        assertThatThrownBy(() -> auth.session(kept)).extracting(e -> ((UserError) e).kind()).isEqualTo(UserError.Kind.AUTHENTICATION);
        assertThat(auth.session(auth.login("carol", "carol-password-3")).role()).isEqualTo(Role.Administrator);
        assertThat(auth.session(admins).userName()).isEqualTo("administrator");
    }

    @Test
    void sessions_expireAfterTimeout_andSlide() {
        auth.ensureAdministrator("long-enough-pw");
        String token = auth.login("administrator", "long-enough-pw");
        assertThat(auth.session(token).userName()).isEqualTo("administrator");
        now.addAndGet(Duration.ofMinutes(6).toMillis());
        auth.session(token); // past half the timeout: extends
        now.addAndGet(Duration.ofMinutes(6).toMillis());
        assertThat(auth.session(token).role()).isEqualTo(Role.Administrator);
        now.addAndGet(Duration.ofMinutes(11).toMillis());
        assertThatThrownBy(() -> auth.session(token)).extracting(e -> ((UserError) e).kind()).isEqualTo(UserError.Kind.AUTHENTICATION);
        assertThat(auth.purgeExpiredSessions()).isEqualTo(1);
        assertThatThrownBy(() -> auth.login("administrator", "wrong-password")).hasMessage("Invalid username or password.");
    }

    @Test
    void failoverRelationship_roundTripsWithScopesAndNullableKeaFields() {
        DhcpServer a = server("a");
        DhcpServer b = server("b");
        DhcpScope sc = scope(range("10.4.0.0/24"), a);
        var rel = new FailoverRelationship(0, "fo1", a.id(), b.id(), FailoverRelationship.Mode.LoadBalance, 50, 3600, 647, 847,
                3, 60, 10, null, null, null, null, FailoverRelationship.State.Empty, List.of());
        long id = failover.insert(rel);
        var stored = failover.findByName("fo1").orElseThrow();
        assertThat(stored.heartbeatDelay()).isNull();
        assertThat(stored.scopeIds()).isEmpty();
        var normal = new FailoverRelationship(id, "fo1", a.id(), b.id(), FailoverRelationship.Mode.HotStandby, 100, 1800, 647, 847,
                3, 60, 10, 10000, 60000, 10, true, FailoverRelationship.State.Normal, List.of(sc.id()));
        failover.update(normal);
        assertThat(failover.findById(id)).contains(normal);
        assertThat(failover.list(b.id())).containsExactly(normal);
        // The store follows the servers: a scope that leaves them leaves its relationship too (a user's removal of a
        // dhcpd failover scope is refused before this, by ScopeWrites).
        scopes.removeScope(ADMIN, null, "ref", sc.ref());
        assertThat(failover.findById(id).orElseThrow().scopeIds()).isEmpty();
        assertThatThrownBy(() -> servers.remove(ADMIN, null, "ref", b.ref())).hasMessageContaining("still has 1");
    }

    @Test
    void ipv4Extremes_storeAsUnsigned() {
        Range top = range("255.255.255.0/24");
        Range bottom = range("0.0.0.0/24");
        assertThat(scopes.range("r", top.ref()).addresses()).isEqualTo(new Ipv4Range(Ipv4Address.parse("a", "255.255.255.0"), Ipv4Address.parse("b", "255.255.255.255")));
        assertThat(scopes.ranges(new ListQuery(null, 0, 10, "from", false)).items()).containsExactly(bottom, top);
    }
}
