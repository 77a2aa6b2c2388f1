package org.tandem.servers;

import java.util.Optional;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/** Stored DHCP servers. */
public interface ServerRepository {
    /** Inserts a server (its id is ignored) and returns the new id. */
    long insert(DhcpServer server);

    Optional<DhcpServer> findById(long id);

    Optional<DhcpServer> findByName(String name);

    Page<DhcpServer> list(ListQuery query);

    void delete(long id);

    /** Sets (or with null clears) a Kea server's own hook directory. */
    void updateKeaHooksLocation(long id, String keaHooksLocation);

    /** Records what the last contact with the server found (OK, Unreachable, ...); not a configuration change. */
    void updateState(long id, String state);

    /** How many scopes and failover relationships refer to the server (it cannot be removed while any do). */
    long countDependents(long id);
}
