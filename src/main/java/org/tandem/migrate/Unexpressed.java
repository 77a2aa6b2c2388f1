package org.tandem.migrate;

/**
 * Something in dhcpd.conf the Kea plan does not carry: the line it starts on, the statement as written (a block by its
 * first line) and why, in words a person can act on.
 */
public record Unexpressed(int line, String statement, String reason) {
}
