package org.tandem.scope;

import java.util.List;
import java.util.Optional;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/** Stored scopes. */
public interface ScopeRepository {
    /** Inserts a scope (its id is ignored) and returns the new id. */
    long insert(DhcpScope scope);

    void update(DhcpScope scope);

    Optional<DhcpScope> findById(long id);

    /** Scopes with this name (a range served by several servers gives several). */
    List<DhcpScope> findByName(String name, int max);

    Optional<DhcpScope> findByRangeAndServer(long rangeId, long serverId);

    /** The scope instances of one range, by id. */
    List<DhcpScope> findByRange(long rangeId);

    Page<DhcpScope> list(ListQuery query);

    /** The name of the failover relationship the scope belongs to, if any. */
    Optional<String> failoverRelationshipName(long scopeId);

    void delete(long id);
}
