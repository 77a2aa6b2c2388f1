package org.tandem.kea.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how to reach one Kea DHCPv4 server's control channel.
 *
 * <p>Kea 2.x puts the Control Agent in front of the daemon (HTTP, {@code service} routes the command, answers come
 * wrapped in an array); Kea 3.x dropped the agent and the daemon listens on HTTP itself (no {@code service}); on the
 * Kea host the daemon's unix socket answers a bare object and closes the connection after it; the Tandem agent next to
 * Kea forwards to that socket.
 */
public sealed interface KeaEndpoint {

    /** Longest time one command may take; config-set and ha-sync on large configs need tens of seconds. */
    Duration timeout();

    /** A short description for messages, never including a password. */
    String describe();

    /** The Kea 2.x Control Agent, e.g. {@code http://192.0.2.1:8000/}. */
    record ControlAgent(URI url, BasicAuth auth, Duration timeout) implements KeaEndpoint {
        public ControlAgent {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
        }

        public static ControlAgent of(URI url) {
            return new ControlAgent(url, null, DEFAULT_TIMEOUT);
        }

        @Override
        public String describe() {
            return "Control Agent " + url;
        }
    }

    /** The Kea 3.x daemon's own HTTP control socket. */
    record DaemonHttp(URI url, BasicAuth auth, Duration timeout) implements KeaEndpoint {
        public DaemonHttp {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String describe() {
            return "HTTP control socket " + url;
        }
    }

    /** The daemon's unix control socket, when Central runs on the Kea host (about 5 times faster for config-get). */
    record UnixSocket(Path path, Duration timeout) implements KeaEndpoint {
        public UnixSocket {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(timeout, "timeout");
        }

        public static UnixSocket of(Path path) {
            return new UnixSocket(path, DEFAULT_TIMEOUT);
        }

        @Override
        public String describe() {
            return "unix socket " + path;
        }
    }

    /**
     * The Tandem agent running next to Kea ({@code tandem agent --kea-config}): commands go to {@code POST
     * /v1/kea/command} with the agent's bearer token and reach kea-dhcp4's unix socket; config changes go to
     * {@code /v1/kea/config/patch}, which edits the config file in place instead of Kea's config-set and config-write.
     * HTTPS when {@code url} says so, trusting Central's TrustedCertificates.
     */
    record Agent(URI url, String token, Duration timeout) implements KeaEndpoint {
        public Agent {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String describe() {
            return "Tandem agent " + url;
        }

        @Override
        public String toString() {
            return "Agent[" + url + "]";
        }
    }

    /** HTTP basic authentication as configured in the agent's {@code authentication.clients}. */
    record BasicAuth(String user, String password) {
        public BasicAuth {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "BasicAuth[" + user + "]";
        }
    }

    /** The Control Agent's own forward timeout is 60 s; we wait a little longer so Kea's answer wins the race. */
    Duration DEFAULT_TIMEOUT = Duration.ofSeconds(75);
}
