package org.tandem.dhcpd.conf;

import org.tandem.common.UserError;

/** dhcpd.conf text that cannot be parsed: where (1-based line and column) and what to change. */
public final class DhcpdConfParseException extends UserError {

    private final int line;
    private final int column;
    private final String problem;

    public DhcpdConfParseException(int line, int column, String problem) {
        super(Kind.INVALID_INPUT, "dhcpd.conf", "line " + line + ", column " + column + ": " + problem);
        this.line = line;
        this.column = column;
        this.problem = problem;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the position, for callers that print the position their own way. */
    public String problem() {
        return problem;
    }
}
