package org.tandem.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.tandem.common.UserError;
import org.tandem.omapi.OmapiKey;
import org.tandem.tls.Certificates;
import org.tandem.tls.ServerIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tandem agent}: runs the agent on a dhcpd or Kea host until stopped. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = {"Runs the Tandem agent next to ISC dhcpd (--conf): Central reads and writes dhcpd.conf, leases and failover state through it.",
                "Or next to Kea (--kea-config, --kea-socket): Central sends Kea commands through it, and it edits Kea's config file in place,"
                        + " keeping comments, includes and inherited values."})
public final class AgentCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(AgentCommand.class);

    /** Where the agent keeps what it generates (its self-signed certificate) when no --state-dir is given. */
    static final String DEFAULT_STATE_DIR = "/var/lib/tandem-agent";

    @Option(names = "--listen", defaultValue = "0.0.0.0:4151", description = "HOST:PORT to serve HTTPS on (default ${DEFAULT-VALUE}).")
    String listen;

    @Option(names = "--conf", description = "The dhcpd.conf to manage (a dhcpd agent).")
    Path conf;

    @Option(names = "--leases", description = "dhcpd's lease file (dhcpd.leases).")
    Path leases;

    @Option(names = "--restart-command", description = "Shell command that restarts dhcpd, e.g. 'systemctl restart isc-dhcp-server' (required with --conf).")
    String restartCommand;

    @Option(names = "--kea-config", paramLabel = "FILE", description = "The kea-dhcp4 config file to manage, the one Kea was started with"
            + " (a Kea agent; instead of --conf).")
    Path keaConfig;

    @Option(names = "--kea-socket", paramLabel = "PATH", description = "kea-dhcp4's unix control socket (control-socket.socket-name); required with --kea-config.")
    Path keaSocket;

    @Option(names = "--kea-dhcp4", defaultValue = "kea-dhcp4", description = "kea-dhcp4 binary used for 'kea-dhcp4 -t' (default ${DEFAULT-VALUE}).")
    String keaDhcp4;

    @Option(names = "--omapi", description = "HOST:PORT of dhcpd's OMAPI (omapi-port); needed for failover state and partner-down.")
    String omapi;

    @Option(names = "--omapi-key-file", description = "File with the OMAPI key block: key NAME { algorithm hmac-md5; secret \"BASE64\"; };")
    Path omapiKeyFile;

    @Option(names = "--pid-file", description = "dhcpd's pid file; with or instead of --omapi, proves dhcpd runs after a restart.")
    Path pidFile;

    @Option(names = "--token-file", required = true, description = "File holding the token every request must carry (at least 16 characters).")
    Path tokenFile;

    @Option(names = "--dhcpd", defaultValue = "dhcpd", description = "dhcpd binary used for 'dhcpd -t' (default ${DEFAULT-VALUE}).")
    String dhcpd;

    @Option(names = "--keep-backups", defaultValue = "10", description = "Previous config versions to keep (default ${DEFAULT-VALUE}).")
    int keepBackups;

    @Option(names = "--restart-deadline", defaultValue = "20", description = "Seconds dhcpd may take to run again after a restart (default ${DEFAULT-VALUE}).")
    int restartDeadlineSeconds;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = DEFAULT_STATE_DIR, description = "Directory the agent keeps its"
            + " self-signed certificate in (" + ServerIdentity.CERTIFICATE_FILE + ", " + ServerIdentity.KEY_FILE + "), generated on first start"
            + " and reused after; not inside the config's directory (default ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--tls-self-signed", paramLabel = "DIR", description = "Same as --state-dir DIR (HTTPS with a self-signed EC P-256"
            + " certificate kept in DIR is the default); give Central the certificate in TrustedCertificates.")
    Path tlsSelfSigned;

    @Option(names = "--insecure-http", description = "Serve plain HTTP instead of HTTPS: the token and every config cross the network"
            + " readable by anyone on the path. Only for loopback or a lab.")
    boolean insecureHttp;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "Serve HTTPS with this PEM certificate (followed by its intermediate CAs); needs --tls-key.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "The unencrypted PEM private key of --tls-cert (mode 0600).")
    Path tlsKey;

    @Override
    public Integer call() throws InterruptedException {
        AgentSettings settings;
        try {
            settings = settings();
        } catch (UserError | IllegalArgumentException e) {
            System.err.println("tandem agent: " + e.getMessage());
            return 2;
        }
        AgentServer server;
        try {
            server = new AgentServer(settings, Clock.systemUTC()).start();
        } catch (RuntimeException e) {
            System.err.println("tandem agent: cannot listen on " + listen + ": " + e.getMessage());
            return 1;
        }
        System.err.println("tandem agent: " + startupNotice(settings, server.port()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "agent-shutdown"));
        stopped.await();
        return 0;
    }

    AgentSettings settings() {
        HostPort l = HostPort.parse("--listen", listen);
        if (keaConfig != null) {
            return keaSettings(l);
        }
        if (conf == null) {
            throw UserError.invalid("--conf", "give --conf (next to dhcpd) or --kea-config with --kea-socket (next to Kea)");
        }
        if (keaSocket != null) {
            throw UserError.invalid("--kea-socket", "goes with --kea-config; a dhcpd agent (--conf) has no Kea socket");
        }
        if (restartCommand == null) {
            throw UserError.invalid("--restart-command", "is required with --conf: the shell command that restarts dhcpd");
        }
        if (!Files.isRegularFile(conf)) {
            throw UserError.invalid("--conf", conf + " is not a file");
        }
        String token = readSecretFile("--token-file", tokenFile).strip();
        OmapiKey key = omapiKeyFile == null ? null : OmapiKey.parseKeyFile(readSecretFile("--omapi-key-file", omapiKeyFile));
        HostPort o = omapi == null ? null : HostPort.parse("--omapi", omapi);
        if (keepBackups < 1 || keepBackups > 1000) {
            throw UserError.invalid("--keep-backups", "must be between 1 and 1000");
        }
        if (restartDeadlineSeconds < 1 || restartDeadlineSeconds > 600) {
            throw UserError.invalid("--restart-deadline", "must be between 1 and 600 seconds");
        }
        if (token.length() < AgentSettings.MIN_TOKEN_LENGTH) {
            throw UserError.invalid("--token-file", "the token must be at least " + AgentSettings.MIN_TOKEN_LENGTH + " characters");
        }
        return new AgentSettings(l.host(), l.port(), conf.toAbsolutePath(), leases == null ? null : leases.toAbsolutePath(),
                restartCommand, o == null ? null : o.host(), o == null ? 0 : o.port(), key,
                pidFile == null ? null : pidFile.toAbsolutePath(), token, dhcpd, keepBackups,
                Duration.ofSeconds(restartDeadlineSeconds), Duration.ofSeconds(1))
                // Last, so a command line refused for another reason generates no certificate.
                .withTls(tls());
    }

    /** One agent serves either dhcpd or Kea: the dhcpd options are refused next to --kea-config. */
    private AgentSettings keaSettings(HostPort l) {
        Map<String, Object> dhcpdOnly = new java.util.LinkedHashMap<>();
        dhcpdOnly.put("--conf", conf);
        dhcpdOnly.put("--restart-command", restartCommand);
        dhcpdOnly.put("--leases", leases);
        dhcpdOnly.put("--omapi", omapi);
        dhcpdOnly.put("--omapi-key-file", omapiKeyFile);
        dhcpdOnly.put("--pid-file", pidFile);
        for (Map.Entry<String, Object> e : dhcpdOnly.entrySet()) {
            if (e.getValue() != null) {
                throw UserError.invalid(e.getKey(), "is for a dhcpd agent; an agent with --kea-config serves Kea only (run a second agent for dhcpd)");
            }
        }
        if (!Files.isRegularFile(keaConfig)) {
            throw UserError.invalid("--kea-config", keaConfig + " is not a file");
        }
        if (keaSocket == null) {
            throw UserError.invalid("--kea-socket", "is required with --kea-config: kea-dhcp4's unix control socket (control-socket.socket-name)");
        }
        if (keaDhcp4 == null || keaDhcp4.isBlank()) {
            throw UserError.invalid("--kea-dhcp4", "must name the kea-dhcp4 binary");
        }
        if (keepBackups < 1 || keepBackups > 1000) {
            throw UserError.invalid("--keep-backups", "must be between 1 and 1000");
        }
        String token = readSecretFile("--token-file", tokenFile).strip();
        if (token.length() < AgentSettings.MIN_TOKEN_LENGTH) {
            throw UserError.invalid("--token-file", "the token must be at least " + AgentSettings.MIN_TOKEN_LENGTH + " characters");
        }
        KeaAgentSettings kea = new KeaAgentSettings(keaConfig.toAbsolutePath().normalize(), keaSocket.toAbsolutePath().normalize(), keaDhcp4,
                java.time.Duration.ofSeconds(75));
        return AgentSettings.forKea(l.host(), l.port(), kea, token, keepBackups).withTls(tls());
    }

    /**
     * What an operator must know once the agent listens: the certificate Central has to trust (path and SHA-256
     * fingerprint, as {@code openssl x509 -fingerprint -sha256} prints it), or a warning that the token travels in clear.
     */
    static String startupNotice(AgentSettings settings, int port) {
        if (settings.tls() == null) {
            return "WARNING: serving plain HTTP (--insecure-http) on " + settings.listenHost() + ":" + port
                    + ": anyone on the network path can read the agent token and every config. Drop --insecure-http to serve HTTPS.";
        }
        return "serving HTTPS on " + settings.listenHost() + ":" + port + " with the certificate of SHA-256 fingerprint "
                + Certificates.fingerprint(settings.tls().certificate())
                + "; put that certificate in Central's TrustedCertificates and register this server with useTls.";
    }

    /**
     * The HTTPS identity from the --tls options, or null for plain HTTP (only with --insecure-http). Without any
     * option the agent serves HTTPS with a self-signed certificate kept in --state-dir: a probe sniffed the Bearer
     * token of a plain-HTTP agent on its segment (issue 17).
     */
    private ServerIdentity tls() {
        if (insecureHttp && (tlsSelfSigned != null || tlsCert != null || tlsKey != null)) {
            throw UserError.invalid("--insecure-http", "serves plain HTTP; it cannot go with --tls-self-signed, --tls-cert or --tls-key");
        }
        if (insecureHttp) {
            log.warn("serving plain HTTP (--insecure-http): the agent token and configs cross the network in clear");
            return null;
        }
        if (tlsSelfSigned != null && (tlsCert != null || tlsKey != null)) {
            throw UserError.invalid("--tls-self-signed", "give either --tls-self-signed or --tls-cert with --tls-key, not both");
        }
        if (tlsCert == null && tlsKey == null) {
            String option = tlsSelfSigned != null ? "--tls-self-signed" : "--state-dir";
            Path dir = (tlsSelfSigned != null ? tlsSelfSigned : stateDir).toAbsolutePath().normalize();
            Path confDir = (keaConfig != null ? keaConfig : conf).toAbsolutePath().normalize().getParent();
            if (dir.startsWith(confDir)) {
                // A config may include files of its own directory (and GET /v1/config serves them): the private key must not be one.
                throw UserError.invalid(option, dir + " is inside the managed config's directory " + confDir
                        + ", from which configs may include files; keep the agent's private key elsewhere");
            }
            return ServerIdentity.selfSigned(option, dir, Clock.systemUTC());
        }
        if (tlsCert == null || tlsKey == null) {
            throw UserError.invalid(tlsCert == null ? "--tls-cert" : "--tls-key", "--tls-cert and --tls-key go together");
        }
        return ServerIdentity.fromFiles("--tls-cert", tlsCert, "--tls-key", tlsKey);
    }

    private static String readSecretFile(String option, Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw UserError.invalid(option, "cannot read " + p + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** HOST:PORT as given on the command line. */
    record HostPort(String host, int port) {
        static HostPort parse(String option, String text) {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || colon == text.length() - 1) {
                throw UserError.invalid(option, "expected HOST:PORT, got \"" + text + "\"");
            }
            int port;
            try {
                port = Integer.parseInt(text.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw UserError.invalid(option, "the port in \"" + text + "\" is not a number");
            }
            if (port < 0 || port > 65535) {
                throw UserError.invalid(option, "the port must be 0 to 65535");
            }
            return new HostPort(text.substring(0, colon), port);
        }
    }
}
