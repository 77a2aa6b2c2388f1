package org.tandem.change;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.tandem.common.UserError;
import org.tandem.testing.MutableClock;

/**
 * A DHCP server with its configuration in memory, behaving like a dhcpd host behind its agent: a
 * config file and the config the running daemon loaded (they differ between a write and a restart),
 * a validator, a restart after which it needs a few polls to be back in failover normal, and faults
 * that can be injected at every step.
 */
final class FakeServer implements ServerTarget {

    /** The points where a fault can be injected. */
    enum Point {
        BEFORE_READ, BEFORE_VALIDATE, AFTER_VALIDATE, BEFORE_PREPARE, BEFORE_WRITE, AFTER_WRITE, AFTER_RESTART,
        BEFORE_VERIFY, AFTER_VERIFY
    }

    /** The marker that makes our validator refuse a config, with dhcpd's own wording. */
    static final String INVALID_MARKER = "option-that-does-not-exist";

    private final String name;
    private final Poller poller;
    private final List<String> events;
    private final Map<Point, Throwable> faults = new EnumMap<>(Point.class);
    private final Map<Point, Boolean> persistent = new EnumMap<>(Point.class);
    private String file;
    private String running;
    private int pollsUntilHealthy;
    private boolean neverHealthy;
    private int restarts;
    private final RecentReads recent;
    private final java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
    private Runnable whilePreparing = () -> { };
    private UnaryOperator<String> storesAs = UnaryOperator.identity();
    private UnaryOperator<String> canonical = UnaryOperator.identity();

    FakeServer(String name, String config, MutableClock clock, List<String> events) {
        this.name = name;
        this.file = config;
        this.running = config;
        this.events = events;
        this.poller = new Poller(clock, clock::advance, Duration.ofMillis(100), Duration.ofSeconds(2));
        this.recent = new RecentReads(clock);
    }

    /** Throws {@code fault} the next time the step is reached (or every time, when persistent). */
    FakeServer failAt(Point point, Throwable fault, boolean everyTime) {
        faults.put(point, fault);
        persistent.put(point, everyTime);
        return this;
    }

    /**
     * Makes it behave like Kea's config-get: what it stores (and reports) is the applied text as
     * {@code storesAs} rewrites it (defaults added), and it fingerprints configs through {@code canonical}.
     */
    void reportsAppliedConfigAs(UnaryOperator<String> storesAs, UnaryOperator<String> canonical) {
        this.storesAs = storesAs;
        this.canonical = canonical;
    }

    /** Runs while the engine prepares this server, e.g. to hold a change in progress. */
    void whilePreparing(Runnable action) {
        whilePreparing = action;
    }

    void clearFaults() {
        faults.clear();
    }

    void neverHealthy(boolean value) {
        neverHealthy = value;
    }

    /** Someone edits the file and restarts the daemon outside Tandem. */
    void editedOutsideTandem(String config) {
        file = config;
        running = config;
    }

    String file() {
        return file;
    }

    String running() {
        return running;
    }

    int restarts() {
        return restarts;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LiveConfig read() {
        fault(Point.BEFORE_READ);
        reads.incrementAndGet();
        LiveConfig live = new LiveConfig(file, hashOf(file));
        recent.put(name, live);
        return live;
    }

    /** Like the dhcpd and Kea targets: a read the planner made moments ago, through a cache shared with it. */
    @Override
    public LiveConfig recentRead(Duration maxAge) {
        return recent.within(name, maxAge).orElseGet(this::read);
    }

    /** How often the server itself was read. */
    int reads() {
        return reads.get();
    }

    @Override
    public String hashOf(String config) {
        return ConfigHash.sha256(canonical.apply(config));
    }

    @Override
    public void validate(String newConfig) {
        fault(Point.BEFORE_VALIDATE);
        events.add(name + ":validate");
        refuseIfInvalid(newConfig);
        fault(Point.AFTER_VALIDATE);
    }

    @Override
    public void prepare(Instant deadline) {
        fault(Point.BEFORE_PREPARE);
        events.add(name + ":prepare");
        whilePreparing.run();
    }

    @Override
    public void apply(String newConfig, String expectedSha256) {
        fault(Point.BEFORE_WRITE);
        events.add(name + ":apply");
        refuseIfInvalid(newConfig);
        if (!hashOf(file).equals(expectedSha256)) {
            throw UserError.conflict("the config file is not the expected one");
        }
        file = storesAs.apply(newConfig);
        fault(Point.AFTER_WRITE);
        running = file;
        restarts++;
        pollsUntilHealthy = 3;
        fault(Point.AFTER_RESTART);
    }

    @Override
    public void awaitHealthy(Instant deadline) {
        fault(Point.BEFORE_VERIFY);
        events.add(name + ":verify");
        boolean healthy = poller.until(deadline, () -> !neverHealthy && pollsUntilHealthy-- <= 0);
        if (!healthy) {
            throw UserError.unreachable("dhcpd did not come back in failover normal before " + deadline, null);
        }
        fault(Point.AFTER_VERIFY);
    }

    private static void refuseIfInvalid(String config) {
        if (config.contains(INVALID_MARKER)) {
            throw UserError.serverRefused("/etc/dhcp/dhcpd.conf line 2: unknown option dhcp." + INVALID_MARKER);
        }
    }

    private void fault(Point point) {
        Throwable fault = Boolean.TRUE.equals(persistent.get(point)) ? faults.get(point) : faults.remove(point);
        if (fault instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (fault instanceof Error error) {
            throw error;
        }
    }

    static List<Point> points() {
        return new ArrayList<>(List.of(Point.values()));
    }
}
