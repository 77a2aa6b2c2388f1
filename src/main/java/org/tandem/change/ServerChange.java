package org.tandem.change;

import java.util.Objects;

/**
 * One server's part of a change: the configuration Tandem last synced from it (what it should be
 * running now) and the configuration the change gives it, both as the full text the server reads
 * (dhcpd.conf text, or canonical Kea JSON text).
 *
 * <p>{@code expectedConfig} must be exactly the text last read from the server, character for
 * character: the conflict check compares the SHA-256 of its UTF-8 bytes with the live hash.
 */
public record ServerChange(String server, String expectedConfig, String newConfig) {

    public ServerChange {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(expectedConfig, "expectedConfig");
        Objects.requireNonNull(newConfig, "newConfig");
        if (server.isBlank() || server.length() > 255) {
            throw new IllegalArgumentException("server name must be 1 to 255 characters");
        }
    }

    /** True when the change leaves this server's configuration as it is. */
    public boolean unchanged() {
        return expectedConfig.equals(newConfig);
    }
}
