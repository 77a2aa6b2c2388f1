package org.tandem.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.tandem.changelog.ChangeLog;
import org.tandem.common.Text;
import org.tandem.common.UserError;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;
import org.tandem.store.Ref;

/** Users, passwords (bcrypt) and login sessions (stored in the database with an expiry). */
public final class AuthService {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AuthService.class);

    /** The account created on first start. */
    public static final String ADMINISTRATOR = "administrator";
    /** bcrypt cost: about 50 ms per check on a small machine, slow enough for stolen hashes. */
    private static final int BCRYPT_COST = 10;

    private final UserRepository users;
    private final SessionRepository sessions;
    private final ChangeLog changes;
    private final Clock clock;
    private final Duration sessionTimeout;
    private final LoginThrottle throttle;
    private final Duration sessionMaxAge;
    private static final Duration DEFAULT_MAX_AGE = Duration.ofDays(1);
    private final SecureRandom random = new SecureRandom();
    // A real cost-10 hash (of a throwaway text) checked when the user does not exist, so an unknown
    // name takes as long as a wrong password. A constant: hashing it at start-up would cost start time.
    private static final byte[] DUMMY_HASH = "$2a$10$7uTEqnXN4goEtSvEaj.q8eMBqVlXtnpXUxepp8SqWD1rr2ZtPlhC.".getBytes(StandardCharsets.US_ASCII);

    public AuthService(UserRepository users, SessionRepository sessions, ChangeLog changes, Clock clock, Duration sessionTimeout) {
        this(users, sessions, changes, clock, sessionTimeout, DEFAULT_MAX_AGE.compareTo(sessionTimeout) < 0 ? sessionTimeout : DEFAULT_MAX_AGE,
                new LoginThrottle(clock, LoginThrottle.Limits.DEFAULT));
    }

    /**
     * {@code sessionTimeout} is the idle limit (sliding); {@code sessionMaxAge} the absolute one, counted
     * from login however busy the session is, so a stolen token stops working in bounded time.
     */
    public AuthService(UserRepository users, SessionRepository sessions, ChangeLog changes, Clock clock, Duration sessionTimeout,
            Duration sessionMaxAge, LoginThrottle throttle) {
        if (sessionMaxAge.compareTo(sessionTimeout) < 0) {
            throw new IllegalArgumentException("session max age " + sessionMaxAge + " is shorter than the idle timeout " + sessionTimeout);
        }
        this.sessionMaxAge = sessionMaxAge;
        this.throttle = throttle;
        this.users = users;
        this.sessions = sessions;
        this.changes = changes;
        this.clock = clock;
        this.sessionTimeout = sessionTimeout;
    }

    /** Checks the password and opens a session; returns its token. */
    public String login(String loginName, String password) {
        return login(loginName, password, null);
    }

    /** As {@link #login(String, String)}, counting failures also against the caller's address (null: unknown). */
    public String login(String loginName, String password, String sourceAddress) {
        User user = checkPassword(loginName, password, sourceAddress);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        long now = clock.millis();
        sessions.insert(hash(token), user.id(), now, now + Math.min(sessionTimeout.toMillis(), sessionMaxAge.toMillis()));
        return token;
    }

    public void logout(String token) {
        sessions.delete(hash(token));
    }

    /** The actor behind a session token; an unknown or expired token is an authentication error. */
    public Actor session(String token) {
        if (token == null || token.isEmpty() || token.length() > 200) {
            throw notLoggedIn();
        }
        long now = clock.millis();
        String tokenHash = hash(token);
        SessionRepository.Session s = sessions.find(tokenHash, now).orElseThrow(AuthService::notLoggedIn);
        long hardEnd = s.createdAtMillis() + sessionMaxAge.toMillis();
        if (now >= hardEnd) {
            try {
                sessions.delete(tokenHash);
            } catch (UserError e) {
                if (e.kind() != UserError.Kind.STORAGE) {
                    throw e;
                }
                // The row stays until the purge; the session is over all the same.
            }
            throw notLoggedIn();
        }
        // Sliding expiry, written at most once per half timeout so reads stay reads; never past the hard end.
        long extended = Math.min(now + sessionTimeout.toMillis(), hardEnd);
        if (s.expiresAtMillis() - now < sessionTimeout.toMillis() / 2 && extended > s.expiresAtMillis()) {
            try {
                sessions.extend(tokenHash, extended);
            } catch (UserError e) {
                if (e.kind() != UserError.Kind.STORAGE) {
                    throw e;
                }
                // A full or read-only disk must not sign out a user who only reads: the session keeps its current
                // expiry, and the next request after the disk recovers extends it.
            }
        }
        return new Actor(s.userName(), s.role());
    }

    /** The actor for HTTP Basic credentials (checked on every request; no session is made). */
    public Actor basic(String loginName, String password, String sourceAddress) {
        User user = checkPassword(loginName, password, sourceAddress);
        return new Actor(user.name(), user.role());
    }

    private User checkPassword(String loginName, String password, String sourceAddress) {
        throttle.check(loginName, sourceAddress);
        if (loginName == null || password == null || loginName.length() > 100 || password.length() > 200) {
            throttle.failed(loginName, sourceAddress);
            throw badLogin();
        }
        Optional<User> user = users.findByName(loginName);
        byte[] hash = user.map(u -> u.passwordHash().getBytes(StandardCharsets.US_ASCII)).orElse(DUMMY_HASH);
        boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash).verified;
        if (!ok || user.isEmpty()) {
            throttle.failed(loginName, sourceAddress);
            // For the operator watching for guessing; the name is clipped and the password never logged.
            log.warn("failed login for \"{}\" from {}", Text.clip(loginName), sourceAddress == null ? "an unknown address" : sourceAddress);
            throw badLogin();
        }
        throttle.succeeded(loginName, sourceAddress);
        return user.get();
    }

    /** Creates the administrator on first start; returns true when it was created. */
    public boolean ensureAdministrator(String password) {
        if (users.findByName(ADMINISTRATOR).isPresent()) {
            return false;
        }
        PasswordPolicy.check("TANDEM_ADMIN_PASSWORD", ADMINISTRATOR, password);
        addUser(Actor.SYSTEM, "Created on first start", "user", ADMINISTRATOR, password, Role.Administrator.name());
        return true;
    }

    public User addUser(Actor actor, String saveComment, String field, String name, String password, String role) {
        return addUser(actor, saveComment, field, name, password, role, null);
    }

    /** A new user with Micetro's details (full name, email, description; null: none). */
    public User addUser(Actor actor, String saveComment, String field, String name, String password, String role, User.Details details) {
        User.Details checkedDetails = checkDetails(field, details, User.Details.NONE);
        String checkedName = Text.name(field + ".name", name, 100);
        PasswordPolicy.check(field + ".password", checkedName, password);
        Role checkedRole = role == null ? Role.ReadOnly : Role.parse(field + ".role", role);
        String hash = bcrypt(password);
        return changes.write(actor, saveComment, log -> {
            if (users.findByName(checkedName).isPresent()) {
                throw UserError.conflict("A user named \"" + checkedName + "\" already exists");
            }
            User created = users.findById(users.insert(checkedName, hash, checkedRole, clock.millis(), checkedDetails)).orElseThrow();
            log.created("User", created.ref(), snapshot(created));
            return created;
        });
    }

    /**
     * The caller changes its own password, giving the current one (checked and throttled as a login, so a
     * stolen session cannot set a password nor guess the old one fast). Ends the user's other sessions; keeps
     * {@code keepSession} (the caller's own token, may be null). Open to read-only users too, so it is not a
     * change-log write (those are for administrators); the log line records it.
     */
    public void changePassword(Actor actor, String oldPassword, String newPassword, String keepSession, String sourceAddress) {
        if (oldPassword == null || oldPassword.isEmpty()) {
            throw UserError.invalid("oldPassword", "is required");
        }
        User user;
        try {
            user = checkPassword(actor.userName(), oldPassword, sourceAddress);
        } catch (UserError e) {
            if (e.getMessage().startsWith("Too many")) {
                throw e;
            }
            throw UserError.invalid("oldPassword", "is not the current password");
        }
        PasswordPolicy.check("newPassword", user.name(), newPassword);
        if (newPassword.equals(oldPassword)) {
            throw UserError.invalid("newPassword", "must differ from the current password");
        }
        users.updatePassword(user.id(), bcrypt(newPassword));
        int ended = sessions.deleteForUser(user.id(), keepSession == null ? null : hash(keepSession));
        log.info("user \"{}\" changed its password from {}; {} other session(s) ended", Text.clip(user.name()),
                sourceAddress == null ? "an unknown address" : sourceAddress, ended);
    }

    /**
     * An administrator sets another user's password and/or role (null: unchanged). A new password ends
     * that user's sessions. An administrator cannot change its own role, so the last one is never demoted by mistake.
     */
    public User modifyUser(Actor actor, String saveComment, String field, String refText, String password, String role) {
        return modifyUser(actor, saveComment, field, refText, password, role, null);
    }

    /** As above, with Micetro's details: each non-null field of {@code details} replaces the user's. */
    public User modifyUser(Actor actor, String saveComment, String field, String refText, String password, String role, User.Details details) {
        Role newRole = role == null ? null : Role.parse(field + ".role", role);
        String hash = password == null ? null : bcrypt(checkedPassword(field, refText, password));
        return changes.write(actor, saveComment, log -> {
            User before = user(field + ".ref", refText);
            if (newRole != null && newRole != before.role() && before.name().equals(actor.userName())) {
                throw UserError.conflict("User \"" + before.name() + "\" cannot change its own role");
            }
            if (hash != null) {
                users.updatePassword(before.id(), hash);
                sessions.deleteForUser(before.id(), null);
            }
            if (newRole != null) {
                users.updateRole(before.id(), newRole);
            }
            if (details != null) {
                User.Details merged = checkDetails(field, details, before.details());
                if (!merged.equals(before.details())) {
                    users.updateDetails(before.id(), merged);
                }
            }
            User after = users.findById(before.id()).orElseThrow();
            Map<String, Object> afterSnapshot = snapshot(after);
            if (hash != null) {
                // The history says the password changed, never what it is.
                afterSnapshot.put("password", "(changed)");
            }
            log.modified("User", after.ref(), snapshot(before), afterSnapshot);
            return after;
        });
    }

    /** The policy needs the user's name: read it before the (slow) hash, outside the write's transaction. */
    private String checkedPassword(String field, String refText, String password) {
        PasswordPolicy.check(field + ".password", user(field + ".ref", refText).name(), password);
        return password;
    }

    private static String bcrypt(String password) {
        return new String(BCrypt.withDefaults().hash(BCRYPT_COST, password.toCharArray()), StandardCharsets.US_ASCII);
    }

    public void removeUser(Actor actor, String saveComment, String field, String refText) {
        changes.write(actor, saveComment, log -> {
            User user = user(field, refText);
            if (user.name().equals(actor.userName())) {
                throw UserError.conflict("User \"" + user.name() + "\" cannot remove itself");
            }
            users.delete(user.id());
            log.removed("User", user.ref(), snapshot(user));
            return null;
        });
    }

    public User user(String field, String refText) {
        Ref ref = Ref.parse(field, User.RESOURCE, refText);
        return (ref.id() != null ? users.findById(ref.id()) : users.findByName(ref.name()))
                .orElseThrow(() -> UserError.notFound("User", refText));
    }

    public Page<User> users(ListQuery query) {
        return users.list(query);
    }

    /** Removes expired sessions; returns how many. */
    public int purgeExpiredSessions() {
        return sessions.deleteExpired(clock.millis());
    }

    private static Map<String, Object> snapshot(User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ref", u.ref());
        m.put("name", u.name());
        m.put("role", u.role().name());
        m.put("fullName", u.details().fullName());
        m.put("email", u.details().email());
        m.put("description", u.details().description());
        return m;
    }

    /** {@code given}'s non-null fields checked over {@code base}. */
    private static User.Details checkDetails(String field, User.Details given, User.Details base) {
        if (given == null) {
            return base;
        }
        String email = given.email() == null ? base.email() : given.email();
        if (!email.isEmpty() && (email.length() > 254 || !email.matches("[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+"))) {
            throw UserError.invalid(field + ".email", "\"" + Text.clip(email) + "\" is not an email address like someone@example.com");
        }
        return new User.Details(given.fullName() == null ? base.fullName() : Text.description(field + ".fullName", given.fullName(), 200),
                email, given.description() == null ? base.description() : Text.description(field + ".description", given.description(), 1000));
    }

    private static UserError badLogin() {
        return new UserError(UserError.Kind.AUTHENTICATION, "loginName", "Invalid username or password.");
    }

    private static UserError notLoggedIn() {
        return new UserError(UserError.Kind.AUTHENTICATION, "session", "Session is missing, invalid or expired; log in again.");
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
