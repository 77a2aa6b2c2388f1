package org.tandem.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
     * Polls until dhcpd runs, then checks it still runs after the settle time. Null when it does,
     * else the last reason it was not.
     */
    String awaitRunning(Duration deadline) throws InterruptedException {
        Instant end = clock.instant().plus(deadline);
        String why;
        while (true) {
            why = whyNotRunning();
            if (why == null) {
                break;
            }
            if (!clock.instant().isBefore(end)) {
                return why;
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
        }
        // A dhcpd that cannot bind its interface dies a moment after it started; look once more.
        Thread.sleep(settings.settle().toMillis());
        return whyNotRunning();
    }

    private static String pidProblem(Path pidFile) {
        String text;
        try {
            text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "pid file " + pidFile + " cannot be read (" + e.getClass().getSimpleName() + ")";
        }
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            return "pid file " + pidFile + " does not hold a process id";
        }
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        return alive ? null : "dhcpd is not running (pid " + pid + " from " + pidFile + " is gone)";
    }
}
