package org.tandem.scope;

import java.util.Optional;
import org.tandem.net.Ipv4Range;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/** Stored ranges. */
public interface RangeRepository {
    long insert(String name, Ipv4Range addresses, String description);

    Optional<Range> findById(long id);

    Optional<Range> findByName(String name);

    /** A stored range sharing any address with {@code addresses}, if one exists. */
    Optional<Range> findOverlapping(Ipv4Range addresses);

    Page<Range> list(ListQuery query);

    long countScopes(long rangeId);

    void delete(long id);
}
