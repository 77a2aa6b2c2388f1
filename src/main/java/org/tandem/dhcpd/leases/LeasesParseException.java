package org.tandem.dhcpd.leases;

import org.tandem.common.UserError;

/** A dhcpd.leases file that breaks the format; the message names the line. */
public final class LeasesParseException extends UserError {

    private final int line;

    public LeasesParseException(int line, String problem) {
        super(Kind.INVALID_INPUT, "leases", "leases file line " + line + ": " + problem);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
