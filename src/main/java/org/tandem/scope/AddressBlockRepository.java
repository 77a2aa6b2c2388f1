package org.tandem.scope;

import java.util.Optional;
import org.tandem.net.Ipv4Range;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/** Stored address pools or exclusions (one instance per table). */
public interface AddressBlockRepository {
    long insert(long scopeId, Ipv4Range addresses);

    Optional<AddressBlock> findById(long id);

    /** A block of the same scope sharing any address with {@code addresses}, if one exists. */
    Optional<AddressBlock> findOverlapping(long scopeId, Ipv4Range addresses);

    /** Blocks of one scope, or of all scopes when {@code scopeId} is null. */
    Page<AddressBlock> list(Long scopeId, ListQuery query);

    void delete(long id);
}
