package org.tandem.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tandem.changelog.ChangeLog;
import org.tandem.changelog.JdbiChangeLogRepository;
import org.tandem.common.UserError;
import org.tandem.store.Database;
import org.tandem.testing.MutableClock;

/** Session expiry (idle and absolute) and login throttling, driven by a clock the test moves. */
class AuthSessionsTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T06:00:00Z"));
    private Database db;
    private AuthService auth;

    @BeforeEach
    void open() {
        db = Database.open(Database.temporaryUrl("auth-" + UUID.randomUUID()));
        var jdbi = db.jdbi();
        auth = new AuthService(new JdbiUserRepository(jdbi), new JdbiSessionRepository(jdbi), new ChangeLog(jdbi, new JdbiChangeLogRepository(jdbi), clock),
                clock, Duration.ofMinutes(30), Duration.ofHours(8), new LoginThrottle(clock, new LoginThrottle.Limits(5, 20, Duration.ofMinutes(15), 100)));
        auth.ensureAdministrator("admin-password");
    }

    @AfterEach
    void close() {
        db.close();
    }

    private static void assertLoginError(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(UserError.class, e -> {
            assertThat(e.kind()).isEqualTo(UserError.Kind.AUTHENTICATION);
            assertThat(e.getMessage()).contains(message);
        });
    }

    @Test
    void session_idleLongerThanTimeout_expires() {
        String token = auth.login("administrator", "admin-password");
        clock.advance(Duration.ofMinutes(29));
        assertThat(auth.session(token).userName()).isEqualTo("administrator");
        clock.advance(Duration.ofMinutes(29)); // used 29 minutes ago: the use slid the expiry
        assertThat(auth.session(token).userName()).isEqualTo("administrator");
        clock.advance(Duration.ofMinutes(31));
        assertLoginError(() -> auth.session(token), "Session is missing, invalid or expired");
    }

    @Test
    void session_usedConstantly_stillEndsAtMaxAge() {
        String token = auth.login("administrator", "admin-password");
        for (int minutes = 0; minutes < 8 * 60 - 10; minutes += 10) {
            clock.advance(Duration.ofMinutes(10));
            auth.session(token);
        }
        clock.advance(Duration.ofMinutes(10));
        assertLoginError(() -> auth.session(token), "Session is missing, invalid or expired");
        assertLoginError(() -> auth.session(token), "Session is missing, invalid or expired");
    }

    @Test
    void constructor_maxAgeShorterThanIdleTimeout_isRefused() {
        assertThatThrownBy(() -> new AuthService(null, null, null, clock, Duration.ofHours(2), Duration.ofHours(1),
                new LoginThrottle(clock, LoginThrottle.Limits.DEFAULT))).hasMessageContaining("shorter than the idle timeout");
    }

    @Test
    void login_repeatedFailuresForOneNameFromOneAddress_lockThatAddressEvenWithTheRightPassword() {
        for (int i = 0; i < 5; i++) {
            assertLoginError(() -> auth.login("administrator", "wrong-password", "127.0.0.1"), "Invalid username or password");
        }
        assertLoginError(() -> auth.login("administrator", "admin-password", "127.0.0.1"), "Too many failed logins for this user");
        clock.advance(Duration.ofSeconds(1));
        assertThat(auth.login("administrator", "admin-password", "127.0.0.1")).isNotBlank();
    }

    // Issue 17, finding 4: five wrong guesses used to lock the name for everyone, so a guesser retrying every
    // 20 ms kept the real user out 57 of 59 times.
    @Test
    void login_guesserRetryingEvery20ms_realUserFromAnotherAddressAlwaysGetsIn() {
        int guesserRefusedByThrottle = 0;
        for (int i = 0; i < 60; i++) {
            try {
                auth.login("administrator", "wrong-password", "192.0.2.66");
                throw new AssertionError("a wrong password was accepted");
            } catch (UserError e) {
                if (e.getMessage().startsWith("Too many failed logins")) {
                    guesserRefusedByThrottle++;
                }
            }
            clock.advance(Duration.ofMillis(20));
            assertThat(auth.login("administrator", "admin-password", "198.51.100.5")).isNotBlank();
        }
        assertThat(guesserRefusedByThrottle).isGreaterThan(50);
    }

    @Test
    void login_lockoutDoublesPerFailure_upToTheCap() {
        for (int i = 0; i < 5; i++) {
            assertLoginError(() -> auth.login("administrator", "wrong", null), "Invalid username or password");
        }
        long previous = 0;
        for (int round = 0; round < 14; round++) {
            long waited = 0;
            while (true) {
                try {
                    auth.login("administrator", "wrong", null);
                    throw new AssertionError("a wrong password was accepted");
                } catch (UserError e) {
                    if (e.getMessage().startsWith("Invalid")) {
                        break;
                    }
                }
                clock.advance(Duration.ofSeconds(1));
                waited++;
            }
            assertThat(waited).isGreaterThanOrEqualTo(Math.min(previous, 15 * 60));
            assertThat(waited).isLessThanOrEqualTo(15 * 60);
            previous = waited * 2;
        }
    }

    @Test
    void login_manyNamesFromOneAddress_lockTheAddress() {
        for (int i = 0; i < 20; i++) {
            String name = "guess" + i;
            assertLoginError(() -> auth.login(name, "whatever-password", "192.0.2.7"), "Invalid username or password");
        }
        assertLoginError(() -> auth.login("administrator", "admin-password", "192.0.2.7"), "Too many failed logins from this address");
        assertThat(auth.login("administrator", "admin-password", "192.0.2.8")).isNotBlank();
    }

    @Test
    void throttle_remembersAtMostMaxEntries() {
        LoginThrottle throttle = new LoginThrottle(clock, new LoginThrottle.Limits(5, 20, Duration.ofMinutes(15), 100));
        for (int i = 0; i < 10_000; i++) {
            throttle.failed("user" + i, "10.0." + (i / 256 % 256) + "." + (i % 256));
        }
        assertThat(throttle.size()).isEqualTo(100);
    }
}
