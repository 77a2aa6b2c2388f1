package org.tandem.auth;

import java.util.Optional;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/** Stored users. */
public interface UserRepository {
    long insert(String name, String passwordHash, Role role, long createdAtMillis, User.Details details);

    Optional<User> findById(long id);

    Optional<User> findByName(String name);

    Page<User> list(ListQuery query);

    long count();

    void delete(long id);

    void updatePassword(long id, String passwordHash);

    void updateRole(long id, Role role);

    void updateDetails(long id, User.Details details);
}
