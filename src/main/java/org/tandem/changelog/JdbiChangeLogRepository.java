package org.tandem.changelog;

import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.tandem.store.Fields;
import org.tandem.store.ListQuery;
import org.tandem.store.Lists;
import org.tandem.store.Page;

/** The change log in the {@code change_log} table. */
public final class JdbiChangeLogRepository implements ChangeLogRepository {

    static final Fields FIELDS = Fields.withId("id")
            .ref("ref", "id", ChangeEntry.RESOURCE)
            .text("user", "user_name").text("saveComment", "save_comment").text("action", "action")
            .text("objType", "object_type").text("objRef", "object_ref").number("timestamp", "at");
    private static final String COLUMNS = "id, at, user_name, save_comment, action, object_type, object_ref, before_json, after_json";
    private static final RowMapper<ChangeEntry> MAPPER = (rs, ctx) -> new ChangeEntry(rs.getLong("id"), rs.getLong("at"),
            rs.getString("user_name"), rs.getString("save_comment"), ChangeEntry.Action.valueOf(rs.getString("action")),
            rs.getString("object_type"), rs.getString("object_ref"), rs.getString("before_json"), rs.getString("after_json"));

    private final Jdbi jdbi;

    public JdbiChangeLogRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(ChangeEntry e) {
        jdbi.useHandle(h -> h.createUpdate("INSERT INTO change_log (at, user_name, save_comment, action, object_type, object_ref, before_json, after_json)"
                        + " VALUES (:at, :u, :c, :a, :t, :r, :b, :f)")
                .bind("at", e.atMillis()).bind("u", e.userName()).bind("c", e.saveComment()).bind("a", e.action().name())
                .bind("t", e.objectType()).bind("r", e.objectRef()).bind("b", e.beforeJson()).bind("f", e.afterJson())
                .execute());
    }

    @Override
    public Page<ChangeEntry> list(ListQuery query) {
        return jdbi.withHandle(h -> Lists.page(h, COLUMNS, "change_log", FIELDS, query, MAPPER));
    }

    @Override
    public boolean wasRemoved(String objectType, String objectRef) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM change_log WHERE object_ref = :r AND object_type = :t AND action = 'Removed'")
                .bind("r", objectRef).bind("t", objectType).mapTo(Long.class).one() > 0);
    }

    @Override
    public void lockWrites() {
        jdbi.useHandle(h -> h.execute("UPDATE write_lock SET version = version + 1 WHERE id = 1"));
    }
}
