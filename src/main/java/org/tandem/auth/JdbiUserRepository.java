package org.tandem.auth;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.tandem.store.Fields;
import org.tandem.store.ListQuery;
import org.tandem.store.Lists;
import org.tandem.store.Page;

/** Users in the {@code users} table. */
public final class JdbiUserRepository implements UserRepository {

    static final Fields FIELDS = Fields.withId("id").ref("ref", "id", User.RESOURCE).text("name", "name").text("role", "role")
            .text("fullName", "full_name").text("email", "email").text("description", "description");
    private static final String COLUMNS = "id, name, password_hash, role, created_at, full_name, email, description";
    private static final RowMapper<User> MAPPER = (rs, ctx) -> new User(rs.getLong("id"), rs.getString("name"),
            rs.getString("password_hash"), Role.valueOf(rs.getString("role")), rs.getLong("created_at"),
            new User.Details(rs.getString("full_name"), rs.getString("email"), rs.getString("description")));

    private final Jdbi jdbi;

    public JdbiUserRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public long insert(String name, String passwordHash, Role role, long createdAtMillis, User.Details details) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO users (name, password_hash, role, created_at, full_name, email, description)"
                        + " VALUES (:n, :p, :r, :c, :fn, :e, :d)")
                .bind("n", name).bind("p", passwordHash).bind("r", role.name()).bind("c", createdAtMillis)
                .bind("fn", details.fullName()).bind("e", details.email()).bind("d", details.description())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    @Override
    public void updateDetails(long id, User.Details details) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET full_name = :fn, email = :e, description = :d WHERE id = :id")
                .bind("fn", details.fullName()).bind("e", details.email()).bind("d", details.description()).bind("id", id).execute());
    }

    @Override
    public Optional<User> findById(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id").bind("id", id).map(MAPPER).findOne());
    }

    @Override
    public Optional<User> findByName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE name = :n").bind("n", name).map(MAPPER).findOne());
    }

    @Override
    public Page<User> list(ListQuery query) {
        return jdbi.withHandle(h -> Lists.page(h, COLUMNS, "users", FIELDS, query, MAPPER));
    }

    @Override
    public long count() {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one());
    }

    @Override
    public void delete(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM users WHERE id = :id").bind("id", id).execute());
    }

    @Override
    public void updatePassword(long id, String passwordHash) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET password_hash = :p WHERE id = :id").bind("p", passwordHash).bind("id", id).execute());
    }

    @Override
    public void updateRole(long id, Role role) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE users SET role = :r WHERE id = :id").bind("r", role.name()).bind("id", id).execute());
    }
}
