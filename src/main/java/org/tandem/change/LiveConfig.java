package org.tandem.change;

import java.util.Objects;

/**
 * A server's configuration as it is now, read from the server (through the dhcpd agent, or Kea's
 * {@code config-get}), with the SHA-256 of its UTF-8 text as lowercase hex.
 */
public record LiveConfig(String text, String sha256) {

    public LiveConfig {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** The live config of a text whose hash we compute ourselves (Kea 2.2 has no config-hash-get). */
    public static LiveConfig of(String text) {
        return new LiveConfig(text, ConfigHash.sha256(text));
    }
}
