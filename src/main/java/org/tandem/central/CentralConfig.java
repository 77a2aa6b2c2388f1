package org.tandem.central;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tandem.common.UserError;
import org.tandem.kea.hooks.KeaHookLocator;
import org.tandem.tls.ClientTrust;
import org.tandem.tls.ServerIdentity;
import org.tandem.tls.TlsMode;

/**
 * Central's settings from its YAML config file. Each key is declared once below with its
 * documentation, default and bounds; the whole file is checked at start-up and the first bad or
 * unknown key stops the server with a message naming it.
 */
public record CentralConfig(Duration dhcpSyncInterval, Duration sessionTimeout, long maxRequestBytes, Duration failoverStatePollInterval,
        Duration sessionMaxAge, Tls tls, Duration serverStepTimeout, Path keaHooksLocation) {

    /** One config key: its name as written in the file, what it means, its default and its bounds. */
    public record Key(String name, String doc, long defaultValue, long min, long max, String unit) {}

    public static final Key DHCP_SYNC_INTERVAL = new Key("DHCPSyncInterval",
            "Seconds between full syncs of every DHCP server's configuration (Micetro's name and default).",
            900, 10, 86_400, "seconds");
    public static final Key SESSION_TIMEOUT = new Key("SessionTimeout",
            "Seconds a login session stays valid after its last use.",
            28_800, 60, 2_592_000, "seconds");
    public static final Key SESSION_MAX_AGE = new Key("SessionMaxAge",
            "Seconds a login session stays valid after login however busy it is; at least SessionTimeout.",
            86_400, 300, 31_536_000, "seconds");
    public static final Key MAX_REQUEST_BYTES = new Key("MaxRequestBytes",
            "Largest API request body accepted, in bytes; larger bodies are refused before parsing.",
            1_048_576, 1_024, 67_108_864, "bytes");

    public static final Key FAILOVER_STATE_POLL_INTERVAL = new Key("FailoverStatePollInterval",
            "Seconds between polls of every failover peer's live state (dhcpd OMAPI failover-state, Kea status-get);"
                    + " a state change shows in the API within two intervals.",
            3, 1, 300, "seconds");

    public static final Key SERVER_STEP_TIMEOUT = new Key("ServerStepTimeout",
            "Seconds one server's step of a change may take: writing it (through the agent: dhcpd -t, replacing dhcpd.conf,"
                    + " restarting dhcpd; on Kea: config-set, config-write) and waiting until it serves in failover or HA again."
                    + " Past it the change is rolled back. Raise it for dhcpd configurations of many thousands of scopes on a slow machine.",
            180, 10, 3_600, "seconds");

    public static final List<Key> KEYS = List.of(DHCP_SYNC_INTERVAL, SESSION_TIMEOUT, SESSION_MAX_AGE, MAX_REQUEST_BYTES,
            FAILOVER_STATE_POLL_INTERVAL, SERVER_STEP_TIMEOUT);

    /** A config key whose value is a word or a path. */
    public record TextKey(String name, String doc) {}

    public static final TextKey TLS = new TextKey("Tls",
            "How Central serves HTTP: off (plain HTTP, the default), self-signed (HTTPS with an EC P-256 certificate generated on"
                    + " first start and kept in the data directory) or files (HTTPS with TlsCertificate and TlsPrivateKey).");
    public static final TextKey TLS_CERTIFICATE = new TextKey("TlsCertificate",
            "PEM file with Central's certificate followed by its intermediate CAs; required with Tls: files.");
    public static final TextKey TLS_PRIVATE_KEY = new TextKey("TlsPrivateKey",
            "PEM file with the unencrypted private key of TlsCertificate (keep it mode 0600); required with Tls: files.");
    public static final TextKey TRUSTED_CERTIFICATES = new TextKey("TrustedCertificates",
            "PEM bundle of CAs or self-signed certificates Central trusts, besides the JDK's public CAs, when it talks HTTPS"
                    + " to agents and Kea Control Agents.");

    public static final TextKey KEA_HOOKS_LOCATION = new TextKey(KeaHookLocator.CENTRAL_SETTING,
            "Absolute path of the directory holding libdhcp_ha.so and libdhcp_lease_cmds.so on the Kea hosts (a path there,"
                    + " not on Central's machine; not checked here). Tried first when a HA relationship is written, before"
                    + " /usr/lib/x86_64-linux-gnu/kea/hooks, /usr/lib64/kea/hooks and /usr/local/lib/kea/hooks. A server's own"
                    + " keaHooksLocation wins over it. Default: none.");

    public static final List<TextKey> TEXT_KEYS = List.of(TLS, TLS_CERTIFICATE, TLS_PRIVATE_KEY, TRUSTED_CERTIFICATES, KEA_HOOKS_LOCATION);

    /**
     * Central's TLS settings, checked: with {@code FILES} the certificate and key were read and match; the trusted bundle
     * (null: none) was read.
     */
    public record Tls(TlsMode mode, Path certificate, Path privateKey, Path trustedCertificates) {
        public static final Tls OFF = new Tls(TlsMode.OFF, null, null, null);

        /** What Central presents: null when off, the given files, or the self-signed identity kept in {@code dataDir}. */
        public ServerIdentity identity(Path dataDir, Clock clock) {
            return switch (mode) {
                case OFF -> null;
                case FILES -> ServerIdentity.fromFiles(TLS_CERTIFICATE.name(), certificate, TLS_PRIVATE_KEY.name(), privateKey);
                case SELF_SIGNED -> ServerIdentity.selfSigned(TLS.name(), dataDir, clock);
            };
        }

        /** The trust Central's HTTPS clients use. */
        public ClientTrust clientTrust() {
            return ClientTrust.of(TRUSTED_CERTIFICATES.name(), trustedCertificates);
        }
    }

    /** The settings without a Kea hook directory preference. */
    public CentralConfig(Duration dhcpSyncInterval, Duration sessionTimeout, long maxRequestBytes, Duration failoverStatePollInterval,
            Duration sessionMaxAge, Tls tls, Duration serverStepTimeout) {
        this(dhcpSyncInterval, sessionTimeout, maxRequestBytes, failoverStatePollInterval, sessionMaxAge, tls, serverStepTimeout, null);
    }

    /** These settings with Central's Kea hook directory preference set (null: none). */
    public CentralConfig withKeaHooksLocation(Path directory) {
        return new CentralConfig(dhcpSyncInterval, sessionTimeout, maxRequestBytes, failoverStatePollInterval, sessionMaxAge, tls,
                serverStepTimeout, directory);
    }

    /** The settings with the server step timeout at its default. */
    public CentralConfig(Duration dhcpSyncInterval, Duration sessionTimeout, long maxRequestBytes, Duration failoverStatePollInterval,
            Duration sessionMaxAge, Tls tls) {
        this(dhcpSyncInterval, sessionTimeout, maxRequestBytes, failoverStatePollInterval, sessionMaxAge, tls,
                Duration.ofSeconds(SERVER_STEP_TIMEOUT.defaultValue()));
    }

    /** The settings with TLS off. */
    public CentralConfig(Duration dhcpSyncInterval, Duration sessionTimeout, long maxRequestBytes, Duration failoverStatePollInterval,
            Duration sessionMaxAge) {
        this(dhcpSyncInterval, sessionTimeout, maxRequestBytes, failoverStatePollInterval, sessionMaxAge, Tls.OFF);
    }

    /** The settings without a state poll interval of their own (it takes its default). */
    public CentralConfig(Duration dhcpSyncInterval, Duration sessionTimeout, long maxRequestBytes) {
        this(dhcpSyncInterval, sessionTimeout, maxRequestBytes, Duration.ofSeconds(FAILOVER_STATE_POLL_INTERVAL.defaultValue()));
    }

    /** Settings with the session max age at its default (or the idle timeout when that is longer). */
    public CentralConfig(Duration dhcpSyncInterval, Duration sessionTimeout, long maxRequestBytes, Duration failoverStatePollInterval) {
        this(dhcpSyncInterval, sessionTimeout, maxRequestBytes, failoverStatePollInterval,
                Duration.ofSeconds(Math.max(SESSION_MAX_AGE.defaultValue(), sessionTimeout.toSeconds())));
    }

    /** Every key at its default. */
    public static CentralConfig defaults() {
        return fromValues(Map.of(), Map.of());
    }

    /** Reads and checks a YAML file; every problem names the file and the key. */
    public static CentralConfig load(Path file) {
        String where = file.toString();
        JsonNode root;
        try {
            if (Files.size(file) > 1_000_000) {
                throw UserError.invalid(where, "config file is larger than 1 MB");
            }
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw UserError.invalid(where, "cannot read config file: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return defaults();
        }
        if (!root.isObject()) {
            throw UserError.invalid(where, "config file must be a mapping of key: value");
        }
        Map<String, Long> values = new LinkedHashMap<>();
        Map<String, String> texts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            TextKey textKey = TEXT_KEYS.stream().filter(k -> k.name().equals(e.getKey())).findFirst().orElse(null);
            if (textKey != null) {
                if (e.getValue().isBoolean()) {
                    // YAML 1.1 reads a bare off (and on, yes, no) as a boolean.
                    texts.put(textKey.name(), e.getValue().booleanValue() ? "on" : "off");
                    continue;
                }
                if (!e.getValue().isTextual() || e.getValue().asText().isBlank()) {
                    throw invalid(where, textKey, "must be a word or a path, not " + e.getValue());
                }
                texts.put(textKey.name(), e.getValue().asText());
                continue;
            }
            Key key = KEYS.stream().filter(k -> k.name().equals(e.getKey())).findFirst().orElseThrow(() ->
                    new UserError(UserError.Kind.INVALID_INPUT, e.getKey(), where + ": unknown key \"" + e.getKey()
                            + "\"; known keys are " + String.join(", ", KEYS.stream().map(Key::name).toList()) + ", "
                            + String.join(", ", TEXT_KEYS.stream().map(TextKey::name).toList())));
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToLong()) {
                throw invalid(where, key, "must be a whole number of " + key.unit() + ", not " + v);
            }
            values.put(key.name(), v.longValue());
        }
        return fromValues(values, texts);
    }

    private static CentralConfig fromValues(Map<String, Long> values, Map<String, String> texts) {
        long timeout = value(values, SESSION_TIMEOUT);
        // Unset, the max age follows a longer idle timeout; set, it must not be shorter than it.
        long maxAge = values.containsKey(SESSION_MAX_AGE.name()) ? value(values, SESSION_MAX_AGE)
                : Math.max(SESSION_MAX_AGE.defaultValue(), timeout);
        if (maxAge < timeout) {
            throw invalid("config", SESSION_MAX_AGE, "must be at least SessionTimeout (" + timeout + " seconds), not " + maxAge);
        }
        return new CentralConfig(Duration.ofSeconds(value(values, DHCP_SYNC_INTERVAL)), Duration.ofSeconds(timeout),
                value(values, MAX_REQUEST_BYTES), Duration.ofSeconds(value(values, FAILOVER_STATE_POLL_INTERVAL)), Duration.ofSeconds(maxAge),
                tls(texts), Duration.ofSeconds(value(values, SERVER_STEP_TIMEOUT)), keaHooksLocation(texts));
    }

    private static Path keaHooksLocation(Map<String, String> texts) {
        String text = texts.get(KEA_HOOKS_LOCATION.name());
        if (text == null) {
            return null;
        }
        try {
            return KeaHookLocator.location(KEA_HOOKS_LOCATION.name(), text);
        } catch (UserError e) {
            // The locator's message starts with the field; say it in this file's words, with the key's documentation.
            throw invalid("config", KEA_HOOKS_LOCATION, e.getMessage().substring(KEA_HOOKS_LOCATION.name().length() + 2));
        }
    }

    /** Checks the TLS keys together, reading every file they name so a bad certificate stops Central at start. */
    private static Tls tls(Map<String, String> texts) {
        String modeText = texts.getOrDefault(TLS.name(), TlsMode.OFF.text());
        TlsMode mode = TlsMode.parse(modeText).orElseThrow(() -> invalid("config", TLS, "must be off, self-signed or files, not \"" + modeText + "\""));
        Path cert = path(texts, TLS_CERTIFICATE);
        Path key = path(texts, TLS_PRIVATE_KEY);
        if (mode == TlsMode.FILES) {
            if (cert == null || key == null) {
                throw invalid("config", cert == null ? TLS_CERTIFICATE : TLS_PRIVATE_KEY, "is required with Tls: files");
            }
            ServerIdentity.fromFiles(TLS_CERTIFICATE.name(), cert, TLS_PRIVATE_KEY.name(), key);
        } else if (cert != null || key != null) {
            throw invalid("config", cert != null ? TLS_CERTIFICATE : TLS_PRIVATE_KEY, "is used only with Tls: files, but Tls is " + mode.text());
        }
        Tls tls = new Tls(mode, cert, key, path(texts, TRUSTED_CERTIFICATES));
        tls.clientTrust();
        return tls;
    }

    private static Path path(Map<String, String> texts, TextKey key) {
        String text = texts.get(key.name());
        if (text == null) {
            return null;
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw invalid("config", key, "is not a valid path: " + e.getMessage());
        }
    }

    private static long value(Map<String, Long> values, Key key) {
        long v = values.getOrDefault(key.name(), key.defaultValue());
        if (v < key.min() || v > key.max()) {
            throw invalid("config", key, "must be from " + key.min() + " to " + key.max() + " " + key.unit() + ", not " + v);
        }
        return v;
    }

    private static UserError invalid(String where, Key key, String problem) {
        return new UserError(UserError.Kind.INVALID_INPUT, key.name(), where + ": " + key.name() + " " + problem + " (" + key.doc() + ")");
    }

    private static UserError invalid(String where, TextKey key, String problem) {
        return new UserError(UserError.Kind.INVALID_INPUT, key.name(), where + ": " + key.name() + " " + problem + " (" + key.doc() + ")");
    }
}
