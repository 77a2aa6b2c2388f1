package org.tandem.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tandem.changelog.ChangeLog;
import org.tandem.changelog.JdbiChangeLogRepository;
import org.tandem.common.UserError;
import org.tandem.store.Database;
import org.tandem.testing.MutableClock;

/** The password policy, and changing passwords: one's own (with the old one) and another's (administrators). Issue 17, finding 9. */
class PasswordPolicyTest {

    private static final String ADMIN_PASSWORD = "admin-password";
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T06:00:00Z"));
    private Database db;
    private AuthService auth;
    private final Actor admin = new Actor(AuthService.ADMINISTRATOR, Role.Administrator);
    private final Actor reader = new Actor("reader", Role.ReadOnly);

    @BeforeEach
    void open() {
        db = Database.open(Database.temporaryUrl("policy-" + UUID.randomUUID()));
        var jdbi = db.jdbi();
        auth = new AuthService(new JdbiUserRepository(jdbi), new JdbiSessionRepository(jdbi), new ChangeLog(jdbi, new JdbiChangeLogRepository(jdbi), clock),
                clock, Duration.ofMinutes(30), Duration.ofHours(8), new LoginThrottle(clock, LoginThrottle.Limits.DEFAULT));
        auth.ensureAdministrator(ADMIN_PASSWORD);
        auth.addUser(admin, null, "user", "reader", "reader-password-1", "ReadOnly");
    }

    @AfterEach
    void close() {
        db.close();
    }

    // The probe's accepted passwords, each refused now with a message naming the field.
    @ParameterizedTest
    @ValueSource(strings = {"password", "12345678", "        ", "            ", "carol-the-admin", "Password1234", "qwertyuiop123"})
    void addUser_weakPassword_isRefusedNamingTheField(String password) {
        String name = password.equals("carol-the-admin") ? "carol-the-admin" : "carol";
        assertThatThrownBy(() -> auth.addUser(admin, null, "user", name, password, "ReadOnly"))
                .isInstanceOfSatisfying(UserError.class, e -> {
                    assertThat(e.kind()).isEqualTo(UserError.Kind.INVALID_INPUT);
                    assertThat(e.getMessage()).startsWith("user.password: ");
                });
        assertThat(auth.users(org.tandem.store.ListQuery.all()).items()).extracting(User::name).doesNotContain(name);
    }

    @Test
    void check_messages_sayWhatIsWrong() {
        assertThatThrownBy(() -> PasswordPolicy.check("p", "u", "short")).hasMessage("p: must be at least 12 characters long");
        assertThatThrownBy(() -> PasswordPolicy.check("p", "u", " ".repeat(12))).hasMessage("p: must not be only spaces");
        assertThatThrownBy(() -> PasswordPolicy.check("p", "Carol-The-Admin", "carol-the-admin")).hasMessage("p: must not be the user's name");
        assertThatThrownBy(() -> PasswordPolicy.check("p", "u", "PASSWORD1234")).hasMessage("p: is a commonly used password; choose another");
        assertThatThrownBy(() -> PasswordPolicy.check("p", "u", "x".repeat(73))).hasMessageContaining("at most 72 bytes");
        assertThatCode(() -> PasswordPolicy.check("p", "u", "correct horse battery")).doesNotThrowAnyException();
    }

    @Test
    void ensureAdministrator_weakFirstStartPassword_failsNamingTheVariable() {
        Database other = Database.open(Database.temporaryUrl("policy-" + UUID.randomUUID()));
        try {
            var jdbi = other.jdbi();
            AuthService fresh = new AuthService(new JdbiUserRepository(jdbi), new JdbiSessionRepository(jdbi),
                    new ChangeLog(jdbi, new JdbiChangeLogRepository(jdbi), clock), clock, Duration.ofMinutes(30));
            assertThatThrownBy(() -> fresh.ensureAdministrator("admin123")).hasMessage("TANDEM_ADMIN_PASSWORD: must be at least 12 characters long");
            assertThatThrownBy(() -> fresh.ensureAdministrator("administrator")).hasMessage("TANDEM_ADMIN_PASSWORD: must not be the user's name");
        } finally {
            other.close();
        }
    }

    @Test
    void changePassword_ownWithTheOldOne_worksAndEndsTheOtherSessions() {
        String mine = auth.login("reader", "reader-password-1");
        String elsewhere = auth.login("reader", "reader-password-1");
        auth.changePassword(reader, "reader-password-1", "reader-password-2", mine, "192.0.2.1");

        assertThat(auth.session(mine).userName()).isEqualTo("reader");
        assertThatThrownBy(() -> auth.session(elsewhere)).hasMessageContaining("Session is missing");
        assertThatThrownBy(() -> auth.login("reader", "reader-password-1")).hasMessageContaining("Invalid username or password");
        assertThat(auth.login("reader", "reader-password-2")).isNotBlank();
    }

    @Test
    void changePassword_wrongOldOrWeakNew_isRefusedNamingTheField() {
        assertThatThrownBy(() -> auth.changePassword(reader, "not-the-password", "reader-password-2", null, "192.0.2.1"))
                .hasMessage("oldPassword: is not the current password");
        assertThatThrownBy(() -> auth.changePassword(reader, "reader-password-1", "password", null, "192.0.2.1"))
                .hasMessage("newPassword: must be at least 12 characters long");
        assertThatThrownBy(() -> auth.changePassword(reader, "reader-password-1", "reader", null, "192.0.2.1"))
                .hasMessageStartingWith("newPassword: ");
        assertThat(auth.login("reader", "reader-password-1")).isNotBlank();
    }

    @Test
    void changePassword_guessingTheOldOne_isThrottledLikeALogin() {
        for (int i = 0; i < 5; i++) {
            assertThatThrownBy(() -> auth.changePassword(reader, "guess-guess-guess", "reader-password-2", null, "192.0.2.9"))
                    .hasMessage("oldPassword: is not the current password");
        }
        assertThatThrownBy(() -> auth.changePassword(reader, "reader-password-1", "reader-password-2", null, "192.0.2.9"))
                .hasMessageStartingWith("Too many failed logins");
    }

    @Test
    void modifyUser_byAdministrator_setsPasswordAndRole_endsSessions_historyHidesThePassword() {
        String old = auth.login("reader", "reader-password-1");
        auth.modifyUser(admin, "reset", "user", "reader", "reader-password-3", "Administrator");

        assertThatThrownBy(() -> auth.session(old)).hasMessageContaining("Session is missing");
        assertThat(auth.session(auth.login("reader", "reader-password-3")).role()).isEqualTo(Role.Administrator);
        String history = db.jdbi().withHandle(h -> h.createQuery("SELECT * FROM change_log").mapToMap().list()).toString();
        assertThat(history).doesNotContain("reader-password-3");
    }

    @Test
    void modifyUser_byReadOnly_orWeakPassword_orOwnRole_isRefused() {
        assertThatThrownBy(() -> auth.modifyUser(reader, null, "user", "reader", "reader-password-3", null)).hasMessageContaining("read-only");
        assertThatThrownBy(() -> auth.modifyUser(admin, null, "user", "reader", "12345678", null)).hasMessage("user.password: must be at least 12 characters long");
        assertThatThrownBy(() -> auth.modifyUser(admin, null, "user", "administrator", null, "ReadOnly")).hasMessageContaining("cannot change its own role");
        assertThat(auth.login("reader", "reader-password-1")).isNotBlank();
    }
}
