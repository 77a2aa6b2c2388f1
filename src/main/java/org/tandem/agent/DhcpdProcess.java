package org.tandem.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.common.UserError;
import org.tandem.dhcpd.DhcpdTarget;

/**
 * The dhcpd process next to the agent: restarts it with the restart command and waits until it runs, and stops and
 * starts it on request (a cut-over to Kea stops one server's dhcpd; a rollback starts it again). One at a time, so a
 * config write's restart never races a stop.
 */
final class DhcpdProcess {

    private static final Logger log = LoggerFactory.getLogger(DhcpdProcess.class);
    private static final Duration RESTART_TIMEOUT = Duration.ofSeconds(60);
    /** How long a process gets to vanish after SIGKILL; only one stuck in the kernel (D state) takes longer. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    /** What the kernel calls dhcpd in {@code /proc/PID/comm}: the executable's file name, whatever its directory. */
    private static final String DHCPD_COMM = "dhcpd";

    /** How a restart ended: {@code failure} is null when dhcpd runs; the restart command's output either way. */
    record Restart(String failure, String output) {}

    private final AgentSettings settings;
    private final DhcpdProbe probe;
    private final Object lock = new Object();

    DhcpdProcess(AgentSettings settings, DhcpdProbe probe) {
        this.settings = settings;
        this.probe = probe;
    }

    /** Runs the restart command and waits until dhcpd runs the config that declares {@code peers} (see DhcpdProbe). */
    Restart restartAndAwait(List<String> peers) throws InterruptedException {
        synchronized (lock) {
            CommandRunner.Result r = CommandRunner.run(List.of("/bin/sh", "-c", settings.restartCommand()), null, RESTART_TIMEOUT);
            if (!r.ok()) {
                return new Restart(r.timedOut() ? "the restart command did not finish within " + RESTART_TIMEOUT.toSeconds() + " s"
                        : "the restart command failed with exit code " + r.exitCode(), r.output());
            }
            String why = probe.awaitRunning(settings.restartDeadline(), peers);
            return new Restart(why == null ? null
                    : "dhcpd was not running " + settings.restartDeadline().toSeconds() + " s after the restart (" + why + ")", r.output());
        }
    }

    /**
     * Stops the dhcpd the pid file names: SIGTERM, and SIGKILL when it is still there after the restart deadline. A pid
     * file that is missing, holds no pid or names a process that is gone means dhcpd is not running, which is no error.
     */
    AgentApi.HealthView stop() throws InterruptedException {
        if (settings.pidFile() == null) {
            throw new UserError(UserError.Kind.NOT_FOUND, null,
                    "this agent was started without --pid-file, so it cannot tell which process is dhcpd to stop it");
        }
        synchronized (lock) {
            Path pidFile = settings.pidFile();
            long pid;
            try {
                pid = DhcpdProbe.readPid(pidFile);
            } catch (NoSuchFileException | NumberFormatException e) {
                return notRunning("pid file " + pidFile + (e instanceof NoSuchFileException ? " does not exist" : " holds no process id"));
            } catch (IOException e) {
                throw new UserError(UserError.Kind.SERVER_REFUSED, null, "cannot read the pid file " + pidFile + ": " + e.getMessage()
                        + "; nothing was stopped");
            }
            // The handle remembers the process's start time, so a pid reused after the check below is never signalled.
            String vanished = "pid " + pid + " from " + pidFile + " is gone";
            Optional<ProcessHandle> found = ProcessHandle.of(pid).filter(h -> !gone(h));
            if (found.isEmpty()) {
                return notRunning(vanished);
            }
            ProcessHandle dhcpd = found.get();
            String name = name(dhcpd);
            if (!DHCPD_COMM.equals(name)) {
                if (gone(dhcpd)) {
                    return notRunning(vanished);
                }
                throw new UserError(UserError.Kind.CONFLICT, null, "the pid file " + pidFile + " names process " + pid + " ("
                        + (name == null ? "whose name cannot be read" : "\"" + name + "\"") + "), which is not dhcpd; the agent does "
                        + "not signal it. dhcpd may have stopped and its pid been reused: check the process and the pid file");
            }
            dhcpd.destroy();
            if (exited(dhcpd, settings.restartDeadline())) {
                log.info("dhcpd (pid {}) stopped on SIGTERM", pid);
                return new AgentApi.HealthView(false, "dhcpd (pid " + pid + ") stopped on SIGTERM");
            }
            log.warn("dhcpd (pid {}) still runs {} s after SIGTERM; sending SIGKILL", pid, settings.restartDeadline().toSeconds());
            dhcpd.destroyForcibly();
            if (exited(dhcpd, KILL_WAIT)) {
                return new AgentApi.HealthView(false, "dhcpd (pid " + pid + ") did not stop within "
                        + settings.restartDeadline().toSeconds() + " s of SIGTERM and was killed with SIGKILL");
            }
            throw new UserError(UserError.Kind.SERVER_REFUSED, null, "dhcpd (pid " + pid + ") did not stop on SIGTERM and is still there "
                    + KILL_WAIT.toSeconds() + " s after SIGKILL; look at the process on the host");
        }
    }

    /**
     * Starts dhcpd with the restart command when it is not running, and waits until it runs the config in the file; a
     * running dhcpd is left alone.
     */
    AgentApi.HealthView start() throws InterruptedException {
        synchronized (lock) {
            if (probe.whyNotRunning() == null) {
                return new AgentApi.HealthView(true, "dhcpd was already running; the restart command was not run");
            }
            Restart r = restartAndAwait(DhcpdTarget.declaredPeers(currentConfig()));
            if (r.failure() != null) {
                throw new AgentError(UserError.Kind.SERVER_REFUSED, null, "dhcpd was not started: " + r.failure(),
                        Map.of("restartOutput", r.output()));
            }
            log.info("dhcpd started on request");
            return new AgentApi.HealthView(true, "dhcpd is running (started by the restart command)");
        }
    }

    private AgentApi.HealthView notRunning(String why) {
        log.info("dhcpd was not running ({}); nothing to stop", why);
        return new AgentApi.HealthView(false, "dhcpd was not running (" + why + ")");
    }

    /** The config dhcpd will start on, for its failover peers; unreadable, it has none and dhcpd will say why it fails. */
    private String currentConfig() {
        try {
            return Files.readString(settings.confPath(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The process's name as the kernel keeps it ({@code /proc/PID/comm}), else the file name of its executable, or null
     * when neither can be read.
     */
    private static String name(ProcessHandle h) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(h.pid()), "comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return h.info().command().map(c -> Path.of(c).getFileName().toString()).orElse(null);
        }
    }

    /** Waits up to {@code deadline} for the process to be gone; whether it is. */
    private boolean exited(ProcessHandle h, Duration deadline) throws InterruptedException {
        return probe.pollFor(deadline, () -> gone(h) ? null : "still there") == null;
    }

    /**
     * Whether the process has ended. A zombie has: it holds no socket or file any more, and only waits for its parent
     * (not the agent, for a daemon) to reap it; {@link ProcessHandle#isAlive()} still calls it alive.
     */
    static boolean gone(ProcessHandle h) {
        if (!h.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"), StandardCharsets.UTF_8);
            // "PID (COMM) STATE ...": COMM may hold spaces and parentheses, so the state follows the last ')'.
            return stat.substring(stat.lastIndexOf(')') + 1).strip().startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return !h.isAlive();
        }
    }
}
