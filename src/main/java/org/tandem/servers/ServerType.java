package org.tandem.servers;

import org.tandem.common.UserError;

/** The DHCP server software Tandem manages. */
public enum ServerType {
    /** ISC dhcpd 4.4, reached through a Tandem agent on its host (default port 4151). */
    ISC(4151),
    /** Kea 2.x, reached through its Control Agent (default port 8000), or through a Tandem agent (4151) when registered with a token. */
    Kea(8000);

    private final int defaultPort;

    ServerType(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    public int defaultPort() {
        return defaultPort;
    }

    public static ServerType parse(String field, String text) {
        for (ServerType t : values()) {
            if (t.name().equals(text)) {
                return t;
            }
        }
        throw UserError.invalid(field, "must be ISC or Kea, not \"" + text + "\"");
    }
}
