package org.tandem.change;

import java.util.Objects;

/**
 * A server's configuration as it is now, read from the server (through the dhcpd agent, or Kea's
 * {@code config-get}), with the SHA-256 of its UTF-8 text as lowercase hex. The engine compares hashes only; a
 * target may leave the text out ({@link #hashOnly}) when printing it costs (a Kea config of thousands of subnets).
 */
public record LiveConfig(String text, String sha256) {

    public LiveConfig {
        Objects.requireNonNull(sha256, "sha256");
    }

    /** The live config of a text whose hash we compute ourselves (Kea 2.2 has no config-hash-get). */
    public static LiveConfig of(String text) {
        return new LiveConfig(Objects.requireNonNull(text, "text"), ConfigHash.sha256(text));
    }

    /** A read known by its hash alone; {@link #text()} is null. */
    public static LiveConfig hashOnly(String sha256) {
        return new LiveConfig(null, sha256);
    }
}
