package org.tandem.kea.client;

/** The outcome codes of Kea's control API (src/lib/cc/command_interpreter.h); 4 and 5 exist from Kea 2.5 on. */
public enum KeaResult {
    SUCCESS(0),
    ERROR(1),
    UNSUPPORTED(2),
    EMPTY(3),
    CONFLICT(4),
    FATAL(5),
    /** HA's "maintenance not allowed" answer to ha-maintenance-notify. */
    HA_MAINTENANCE_NOT_ALLOWED(1001),
    /** Any other code; the response keeps the number. */
    OTHER(-1);

    private final int code;

    KeaResult(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static KeaResult ofCode(int code) {
        for (KeaResult r : values()) {
            if (r.code == code && r != OTHER) {
                return r;
            }
        }
        return OTHER;
    }
}
