package org.tandem.dhcpd.conf;

/** One piece of a parsed dhcpd.conf: either {@link Trivia} (whitespace and comments) or a {@link Statement}. */
public abstract sealed class Node permits Trivia, Statement {

    Node() {
    }

    /** Appends this node's exact text. */
    abstract void renderTo(Renderer out);
}
