package org.tandem.change;

import org.tandem.common.UserError;

/**
 * A server runs another configuration than the one a plan was made on: someone changed it since Tandem last read it.
 * Thrown by the change engine's checks, before anything is written, so a caller may plan the same change again on
 * what the server runs now (the target's read just stored it) and apply that, once.
 */
public final class ChangedOutside extends UserError {

    private final String server;

    public ChangedOutside(String server) {
        super(Kind.CONFLICT, null, "Server \"" + server + "\" was changed outside Tandem since it was last synced: its"
                + " configuration is not the one Tandem knows. Sync it and try again.");
        this.server = server;
    }

    /** The server that was changed. */
    public String server() {
        return server;
    }
}
