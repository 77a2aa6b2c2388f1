package org.tandem.scope;

import java.util.Optional;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/** Stored reservations. */
public interface ReservationRepository {
    /** Inserts a reservation (its id is ignored) and returns the new id. */
    long insert(Reservation reservation);

    Optional<Reservation> findById(long id);

    Optional<Reservation> findByName(String name);

    /** A reservation of the scope with the same address or the same client (identifier of the same kind), if one exists. */
    Optional<Reservation> findClash(long scopeId, long address, Reservation.Method method, String clientIdentifier);

    Page<Reservation> list(Long scopeId, ListQuery query);

    /** Writes every field of {@code reservation} but its scope and method to its row. */
    void update(Reservation reservation);

    void delete(long id);
}
