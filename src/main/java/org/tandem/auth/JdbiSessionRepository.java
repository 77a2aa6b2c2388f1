package org.tandem.auth;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Sessions in the {@code sessions} table, shared by every Central node on the same database. */
public final class JdbiSessionRepository implements SessionRepository {

    private final Jdbi jdbi;

    public JdbiSessionRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(String tokenHash, long userId, long createdAtMillis, long expiresAtMillis) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (:t, :u, :c, :e)")
                .bind("t", tokenHash).bind("u", userId).bind("c", createdAtMillis).bind("e", expiresAtMillis).execute());
    }

    @Override
    public Optional<Session> find(String tokenHash, long nowMillis) {
        // One query per API request: the session and its user together.
        return jdbi.withHandle(h -> h.createQuery("SELECT s.user_id, u.name, u.role, s.created_at, s.expires_at FROM sessions s"
                        + " JOIN users u ON u.id = s.user_id WHERE s.token_hash = :t AND s.expires_at > :now")
                .bind("t", tokenHash).bind("now", nowMillis)
                .map((rs, ctx) -> new Session(rs.getLong("user_id"), rs.getString("name"), Role.valueOf(rs.getString("role")),
                        rs.getLong("created_at"), rs.getLong("expires_at"))).findOne());
    }

    @Override
    public void extend(String tokenHash, long expiresAtMillis) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE sessions SET expires_at = :e WHERE token_hash = :t")
                .bind("t", tokenHash).bind("e", expiresAtMillis).execute());
    }

    @Override
    public void delete(String tokenHash) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM sessions WHERE token_hash = :t").bind("t", tokenHash).execute());
    }

    @Override
    public int deleteExpired(long nowMillis) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM sessions WHERE expires_at <= :now").bind("now", nowMillis).execute());
    }

    @Override
    public int deleteForUser(long userId, String keepTokenHash) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM sessions WHERE user_id = :u AND token_hash <> :k")
                .bind("u", userId).bind("k", keepTokenHash == null ? "" : keepTokenHash).execute());
    }
}
