package org.tandem.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tandem.common.UserError;

/**
 * Slows down password guessing: after a number of failed logins for one login name from one source
 * address, or for any names from one address, further attempts from that address are refused without
 * checking the password for a lockout that doubles with each further failure, up to a cap. Memory is
 * bounded: only the most recently failing keys are remembered (the oldest are forgotten first).
 *
 * <p>The guesser is throttled, not the account: a lock on the name alone let anyone keep a user out by
 * failing five times every few seconds (issue 17, finding 4). So the name counts only together with the
 * address it is guessed from; the real user signing in from elsewhere is not held up. Only a caller that
 * cannot name an address (null) is throttled by the name alone.
 */
public final class LoginThrottle {

    /** The thresholds: failures allowed before any lockout, the longest lockout, how many keys are kept. */
    public record Limits(int freeFailuresPerName, int freeFailuresPerAddress, Duration maxLockout, int maxEntries) {
        /** Per name and address 5 (one user mistyping); per address 50 (many users behind one NAT); at most 15 minutes. */
        public static final Limits DEFAULT = new Limits(5, 50, Duration.ofMinutes(15), 10_000);
    }

    private record Failures(int count, long lockedUntilMillis) {}

    private final Clock clock;
    private final Limits limits;
    private final Map<String, Failures> failures;

    public LoginThrottle(Clock clock, Limits limits) {
        this.clock = clock;
        this.limits = limits;
        this.failures = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
                return size() > limits.maxEntries();
            }
        };
    }

    /** Refuses the attempt when the name from this address, or the address, is locked out; checked before the password. */
    public synchronized void check(String loginName, String address) {
        long now = clock.millis();
        for (String key : keys(loginName, address)) {
            Failures f = failures.get(key);
            if (f != null && f.lockedUntilMillis() > now) {
                long seconds = Math.max(1, (f.lockedUntilMillis() - now + 999) / 1000);
                throw new UserError(UserError.Kind.AUTHENTICATION, "loginName", "Too many failed logins "
                        + (key.startsWith("addr:") ? "from this address" : "for this user") + "; try again in " + seconds + " seconds.");
            }
        }
    }

    public synchronized void failed(String loginName, String address) {
        long now = clock.millis();
        for (String key : keys(loginName, address)) {
            int free = key.startsWith("addr:") ? limits.freeFailuresPerAddress() : limits.freeFailuresPerName();
            Failures old = failures.get(key);
            int count = old == null ? 1 : old.count() + 1;
            long lockout = 0;
            if (count >= free) {
                int doublings = Math.min(30, count - free);
                lockout = Math.min(limits.maxLockout().toMillis(), 1000L << doublings);
            }
            failures.put(key, new Failures(count, now + lockout));
        }
    }

    /** A correct password clears the name's count from this address (not the address's: one success must not unlock a guesser's address). */
    public synchronized void succeeded(String loginName, String address) {
        failures.remove(keys(loginName, address)[0]);
    }

    synchronized int size() {
        return failures.size();
    }

    private static String[] keys(String loginName, String address) {
        return address == null ? new String[] {nameKey(loginName)} : new String[] {"pair:" + address + " " + nameKey(loginName), "addr:" + address};
    }

    private static String nameKey(String loginName) {
        String n = loginName == null ? "" : loginName;
        return "name:" + (n.length() > 100 ? n.substring(0, 100) : n).toLowerCase(java.util.Locale.ROOT);
    }
}
