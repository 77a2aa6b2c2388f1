package org.tandem.migrate;

import java.net.URI;
import java.util.Objects;

/** One Kea server that takes over from a dhcpd peer: its HA name and the URL its partner reaches it at (an IP address: Kea 2.2 rejects host names). */
public record KeaTarget(String name, URI url) {
    public KeaTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
    }
}
