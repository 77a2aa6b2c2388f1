package org.tandem.omapi;

/** OMAPI message opcodes (omapip_p.h). */
public enum OmapiOp {
    OPEN(1),
    REFRESH(2),
    UPDATE(3),
    NOTIFY(4),
    STATUS(5),
    DELETE(6);

    private final int code;

    OmapiOp(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static OmapiOp fromCode(long code) {
        for (OmapiOp op : values()) {
            if (op.code == code) {
                return op;
            }
        }
        throw new OmapiException(OmapiException.Problem.PROTOCOL, "the server sent unknown opcode " + code);
    }
}
