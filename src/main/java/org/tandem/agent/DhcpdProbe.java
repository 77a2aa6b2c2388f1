package org.tandem.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.tandem.omapi.OmapiClient;
import org.tandem.omapi.OmapiException;

/**
 * Tells whether dhcpd is running: its pid file names a live process (when {@code --pid-file} is
 * given) and its OMAPI port completes a handshake and key authentication (when {@code --omapi} is
 * given). dhcpd opens OMAPI only after it has read its config and leases, so OMAPI answering means
 * the new config was accepted, which a live pid alone does not prove.
 */
final class DhcpdProbe {

    private static final Duration OMAPI_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final AgentSettings settings;
    private final Clock clock;

    DhcpdProbe(AgentSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Null when running, else why not, in words. */
    String whyNotRunning() {
        if (settings.pidFile() != null) {
            String why = pidProblem(settings.pidFile());
            if (why != null) {
                return why;
            }
        }
        if (settings.omapiHost() != null) {
            try {
                // Connecting includes the greeting and key authentication; that is the whole check.
                OmapiClient.connect(settings.omapiHost(), settings.omapiPort(), settings.omapiKey(), OMAPI_TIMEOUT).close();
                return null;
            } catch (OmapiException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    /**
     * Polls until dhcpd runs the config that declares {@code peers}, within {@code deadline}. Null
     * when it does, else the last reason it did not.
     *
     * <p>dhcpd answers an OMAPI handshake only from its main loop, after it bound its interfaces and
     * started failover; a live pid alone proves less. So with OMAPI and failover peers, the agent
     * asks for each peer's failover state until every one answers: that this dhcpd knows them shows
     * it is the new process on the new config (an old one still answering would not know a new peer),
     * and it answers the moment it is up. Watching the pair return to {@code normal} is Central's
     * job after the write. Without OMAPI or peers there is no such state to ask for: then only time
     * shows that a dhcpd which cannot bind its interface dies a moment after it started, and the
     * agent looks once more after the settle time.
     */
    String awaitRunning(Duration deadline, List<String> peers) throws InterruptedException {
        Instant end = clock.instant().plus(deadline);
        String why = pollUntil(end, this::whyNotRunning);
        if (why != null) {
            return why;
        }
        if (settings.omapiHost() == null || peers.isEmpty()) {
            Thread.sleep(settings.settle().toMillis());
            return whyNotRunning();
        }
        why = pollUntil(end, () -> unknownPeer(peers));
        return why != null ? why : whyNotRunning();
    }

    /** Polls {@code probe} (null: done, else why not) until it is done or {@code deadline} has passed; the last reason. */
    String pollFor(Duration deadline, Supplier<String> probe) throws InterruptedException {
        return pollUntil(clock.instant().plus(deadline), probe);
    }

    /** Polls {@code probe} (null: done, else why not) until it is done or {@code end} passes; the last reason. */
    private String pollUntil(Instant end, Supplier<String> probe) throws InterruptedException {
        while (true) {
            String why = probe.get();
            if (why == null || !clock.instant().isBefore(end)) {
                return why;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
    }

    /** Null when the running dhcpd answers the failover state of every peer, else the first it does not know. */
    private String unknownPeer(List<String> peers) {
        try (OmapiClient c = OmapiClient.connect(settings.omapiHost(), settings.omapiPort(), settings.omapiKey(), OMAPI_TIMEOUT)) {
            for (String peer : peers) {
                try {
                    c.failoverState(peer);
                } catch (OmapiException e) {
                    return "the running dhcpd does not answer for failover peer \"" + peer + "\" of the new config ("
                            + e.getMessage() + ")";
                }
            }
            return null;
        } catch (OmapiException e) {
            return e.getMessage();
        }
    }

    /**
     * The process id {@code pidFile} holds.
     *
     * @throws IOException when it cannot be read (a NoSuchFileException when there is none)
     * @throws NumberFormatException when it holds no process id
     */
    static long readPid(Path pidFile) throws IOException {
        return Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).strip());
    }

    private static String pidProblem(Path pidFile) {
        long pid;
        try {
            pid = readPid(pidFile);
        } catch (IOException e) {
            return "pid file " + pidFile + " cannot be read (" + e.getClass().getSimpleName() + ")";
        } catch (NumberFormatException e) {
            return "pid file " + pidFile + " does not hold a process id";
        }
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        return alive ? null : "dhcpd is not running (pid " + pid + " from " + pidFile + " is gone)";
    }
}
