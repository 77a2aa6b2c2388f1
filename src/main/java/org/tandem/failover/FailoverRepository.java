package org.tandem.failover;

import java.util.List;
import java.util.Optional;

/** Stored failover relationships and their scope membership. */
public interface FailoverRepository {
    /** Inserts the relationship and its scopes (its id is ignored); returns the new id. */
    long insert(FailoverRelationship relationship);

    /** Replaces every stored field and the scope list of the relationship with this id. */
    void update(FailoverRelationship relationship);

    Optional<FailoverRelationship> findById(long id);

    Optional<FailoverRelationship> findByName(String name);

    /** Relationships where the server is primary or secondary, or all when {@code serverId} is null. */
    List<FailoverRelationship> list(Long serverId);

    void delete(long id);
}
