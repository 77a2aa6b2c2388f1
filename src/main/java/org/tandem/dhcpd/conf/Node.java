package org.tandem.dhcpd.conf;

/** One piece of a parsed dhcpd.conf: either {@link Trivia} (whitespace and comments) or a {@link Statement}. */
public sealed interface Node permits Trivia, Statement {

    /** Appends this node's exact text. */
    void renderTo(Renderer out);
}
