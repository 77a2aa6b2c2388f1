package org.tandem.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.tandem.omapi.OmapiKey;
import org.tandem.tls.ServerIdentity;

/**
 * Everything one agent needs, validated once at start-up.
 *
 * @param listenHost address the HTTP server binds
 * @param listenPort port the HTTP server binds (0 picks a free one)
 * @param confPath the dhcpd.conf the agent reads and replaces
 * @param leasesPath the dhcpd.leases it reads, or null when not configured
 * @param restartCommand run with {@code /bin/sh -c} after a new config is in place
 * @param omapiHost where dhcpd's OMAPI listens, or null to not use OMAPI
 * @param omapiKey the OMAPI key, or null when dhcpd requires none
 * @param pidFile dhcpd's pid file, or null; with OMAPI, one of the two proves dhcpd runs
 * @param token the shared secret every request must carry
 * @param dhcpdBinary the dhcpd used for {@code dhcpd -t}
 * @param keepBackups how many previous versions of the config to keep
 * @param restartDeadline how long dhcpd may take to be running again after a restart
 * @param settle how long dhcpd must stay running once seen, so a server that dies right after start is caught;
 *               only when there is no failover state to ask over OMAPI instead (see DhcpdProbe)
 * @param tls the certificate to serve HTTPS with, or null for plain HTTP
 * @param kea what a Kea agent manages ({@code --kea-config}), or null for a dhcpd agent; a Kea agent has no dhcpd
 *            settings: {@code confPath} is the Kea config file and the restart, OMAPI and pid-file settings are unused
 */
public record AgentSettings(
        String listenHost,
        int listenPort,
        Path confPath,
        Path leasesPath,
        String restartCommand,
        String omapiHost,
        int omapiPort,
        OmapiKey omapiKey,
        Path pidFile,
        String token,
        String dhcpdBinary,
        int keepBackups,
        Duration restartDeadline,
        Duration settle,
        ServerIdentity tls,
        KeaAgentSettings kea) {

    public static final int MIN_TOKEN_LENGTH = 16;

    public AgentSettings {
        Objects.requireNonNull(listenHost, "listenHost");
        Objects.requireNonNull(confPath, "confPath");
        Objects.requireNonNull(restartCommand, "restartCommand");
        Objects.requireNonNull(dhcpdBinary, "dhcpdBinary");
        Objects.requireNonNull(restartDeadline, "restartDeadline");
        Objects.requireNonNull(settle, "settle");
        if (token == null || token.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException("token must be at least " + MIN_TOKEN_LENGTH + " characters");
        }
        if (kea == null && omapiHost == null && pidFile == null) {
            throw new IllegalArgumentException("give --omapi or --pid-file: the agent needs one to see that dhcpd runs");
        }
        if (keepBackups < 1) {
            throw new IllegalArgumentException("keepBackups must be at least 1");
        }
    }

    /** Settings serving plain HTTP. */
    public AgentSettings(String listenHost, int listenPort, Path confPath, Path leasesPath, String restartCommand, String omapiHost,
            int omapiPort, OmapiKey omapiKey, Path pidFile, String token, String dhcpdBinary, int keepBackups, Duration restartDeadline,
            Duration settle) {
        this(listenHost, listenPort, confPath, leasesPath, restartCommand, omapiHost, omapiPort, omapiKey, pidFile, token, dhcpdBinary,
                keepBackups, restartDeadline, settle, null, null);
    }

    /** Settings of an agent next to Kea (plain HTTP; {@link #withTls} for HTTPS). */
    public static AgentSettings forKea(String listenHost, int listenPort, KeaAgentSettings kea, String token, int keepBackups) {
        Objects.requireNonNull(kea, "kea");
        return new AgentSettings(listenHost, listenPort, kea.configFile(), null, "", null, 0, null, null, token, "", keepBackups,
                Duration.ofSeconds(20), Duration.ofSeconds(1), null, kea);
    }

    /** The same settings serving HTTPS with {@code identity}. */
    public AgentSettings withTls(ServerIdentity identity) {
        return new AgentSettings(listenHost, listenPort, confPath, leasesPath, restartCommand, omapiHost, omapiPort, omapiKey, pidFile, token,
                dhcpdBinary, keepBackups, restartDeadline, settle, identity, kea);
    }

    /** Never prints the token or the key. */
    @Override
    public String toString() {
        return "AgentSettings[listen=" + listenHost + ":" + listenPort + (kea != null ? ", kea=" + kea : "") + ", conf=" + confPath + ", leases=" + leasesPath
                + ", omapi=" + omapiHost + ":" + omapiPort + ", pidFile=" + pidFile + ", tls=" + (tls != null) + "]";
    }
}
