package org.tandem.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tandem.common.UserError;

/**
 * Slows down password guessing: after a number of failed logins for one login name, or from one
 * source address, further attempts are refused without checking the password for a lockout that
 * doubles with each further failure, up to a cap. Memory is bounded: only the most recently failing
 * names and addresses are remembered (the oldest are forgotten first).
 */
public final class LoginThrottle {

    /** The thresholds: failures allowed before any lockout, the longest lockout, how many keys are kept. */
    public record Limits(int freeFailuresPerName, int freeFailuresPerAddress, Duration maxLockout, int maxEntries) {
        /** Per name 5 (one user mistyping); per address 50 (many users behind one NAT); at most 15 minutes. */
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

    /** Refuses the attempt when the name or the address is locked out; checked before the password. */
    public synchronized void check(String loginName, String address) {
        long now = clock.millis();
        for (String key : keys(loginName, address)) {
            Failures f = failures.get(key);
            if (f != null && f.lockedUntilMillis() > now) {
                long seconds = Math.max(1, (f.lockedUntilMillis() - now + 999) / 1000);
                throw new UserError(UserError.Kind.AUTHENTICATION, "loginName", "Too many failed logins "
                        + (key.startsWith("name:") ? "for this user" : "from this address") + "; try again in " + seconds + " seconds.");
            }
        }
    }

    public synchronized void failed(String loginName, String address) {
        long now = clock.millis();
        for (String key : keys(loginName, address)) {
            int free = key.startsWith("name:") ? limits.freeFailuresPerName() : limits.freeFailuresPerAddress();
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

    /** A correct password clears the name's count (not the address's: one success must not unlock a guesser's address). */
    public synchronized void succeeded(String loginName) {
        failures.remove(nameKey(loginName));
    }

    synchronized int size() {
        return failures.size();
    }

    private static String[] keys(String loginName, String address) {
        return address == null ? new String[] {nameKey(loginName)} : new String[] {nameKey(loginName), "addr:" + address};
    }

    private static String nameKey(String loginName) {
        String n = loginName == null ? "" : loginName;
        return "name:" + (n.length() > 100 ? n.substring(0, 100) : n).toLowerCase(java.util.Locale.ROOT);
    }
}
