package org.tandem.change;

/**
 * Finds the {@link ServerTarget} for a server name; the engine and the recovery pass use it to reach
 * the servers a plan or a journal entry names.
 */
@FunctionalInterface
public interface ServerDirectory {

    /** The target of the named server; throws a NOT_FOUND UserError when no such server is registered. */
    ServerTarget target(String server);
}
