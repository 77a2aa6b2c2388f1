package org.tandem.auth;

import java.util.Optional;

/** Stored login sessions, keyed by a hash of the token. */
public interface SessionRepository {
    /** A live session: its user (read in the same query) and its expiry. */
    record Session(long userId, String userName, Role role, long createdAtMillis, long expiresAtMillis) {}

    void insert(String tokenHash, long userId, long createdAtMillis, long expiresAtMillis);

    Optional<Session> find(String tokenHash, long nowMillis);

    void extend(String tokenHash, long expiresAtMillis);

    void delete(String tokenHash);

    /** Ends every session of the user but {@code keepTokenHash} (may be null); returns how many. */
    int deleteForUser(long userId, String keepTokenHash);

    /** Removes sessions that expired before {@code nowMillis}; returns how many. */
    int deleteExpired(long nowMillis);
}
