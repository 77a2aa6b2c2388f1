package org.tandem.change;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The {@link ChangeJournal} in Central's database (tables of migrations V20 and V76), on the embedded SQLite or on
 * PostgreSQL. Every method is one transaction, committed before it returns.
 */
public final class JdbiChangeJournal implements ChangeJournal {

    private final Jdbi jdbi;

    public JdbiChangeJournal(Jdbi jdbi) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
    }

    @Override
    public long begin(ChangePlan plan, Instant at) {
        return jdbi.inTransaction(handle -> {
            long id = handle.createUpdate("""
                            INSERT INTO change_journal (who, save_comment, state, started_at)
                            VALUES (:who, :comment, 'OPEN', :at)""")
                    .bind("who", plan.who())
                    .bind("comment", plan.saveComment())
                    .bind("at", toDb(at))
                    .executeAndReturnGeneratedKeys("id")
                    .mapTo(Long.class)
                    .one();
            var servers = handle.prepareBatch("""
                    INSERT INTO change_journal_server (change_id, apply_order, server_name, step)
                    VALUES (:id, :order, :server, 'PLANNED')""");
            // The configs in their own rows: a step mark then rewrites a row of a few bytes, not one of two configs.
            var configs = handle.prepareBatch("""
                    INSERT INTO change_journal_config (change_id, apply_order, old_config, new_config)
                    VALUES (:id, :order, :old, :new)""");
            for (int i = 0; i < plan.servers().size(); i++) {
                ServerChange change = plan.servers().get(i);
                servers.bind("id", id).bind("order", i).bind("server", change.server()).add();
                configs.bind("id", id).bind("order", i).bind("old", change.expectedConfig()).bind("new", change.newConfig()).add();
            }
            servers.execute();
            configs.execute();
            return id;
        });
    }

    @Override
    public void markServer(long changeId, String server, ServerStep step) {
        jdbi.useTransaction(handle -> {
            int rows = handle.createUpdate("""
                            UPDATE change_journal_server SET step = :step
                            WHERE change_id = :id AND server_name = :server
                              AND change_id IN (SELECT id FROM change_journal WHERE state IN ('OPEN', 'COMMITTED'))""")
                    .bind("step", step.name()).bind("id", changeId).bind("server", server)
                    .execute();
            if (rows != 1) {
                throw new IllegalStateException("no unfinished change " + changeId + " for server " + server);
            }
        });
    }

    @Override
    public void commit(long changeId, Runnable alongside) {
        jdbi.useTransaction(handle -> {
            int rows = handle.createUpdate("UPDATE change_journal SET state = 'COMMITTED' WHERE id = :id AND state = 'OPEN'")
                    .bind("id", changeId).execute();
            if (rows != 1) {
                throw new IllegalStateException("change " + changeId + " is not open");
            }
            // Repositories on this Jdbi get this transaction's handle (Jdbi's handle scope), so their writes commit with it.
            alongside.run();
        });
    }

    @Override
    public boolean close(long changeId, State state, String outcome, Instant at) {
        if (!state.finished()) {
            throw new IllegalArgumentException("close needs a final state, not " + state);
        }
        return jdbi.inTransaction(handle -> handle.createUpdate("""
                        UPDATE change_journal SET state = :state, outcome = :outcome, finished_at = :at
                        WHERE id = :id AND state IN ('OPEN', 'COMMITTED')""")
                .bind("state", state.name()).bind("outcome", outcome).bind("at", toDb(at)).bind("id", changeId)
                .execute() == 1);
    }

    @Override
    public List<Entry> unfinished() {
        return jdbi.inTransaction(handle -> load(handle, "WHERE j.state IN ('OPEN', 'COMMITTED')", null));
    }

    @Override
    public Optional<Entry> find(long changeId) {
        return jdbi.inTransaction(handle -> load(handle, "WHERE j.id = :id", changeId)).stream().findFirst();
    }

    @Override
    public int deleteClosedBefore(Instant cutoff) {
        // The servers' rows go with their entry and their configs with them (ON DELETE CASCADE in V20 and V76).
        return jdbi.inTransaction(handle -> handle.createUpdate("""
                        DELETE FROM change_journal
                        WHERE state NOT IN ('OPEN', 'COMMITTED') AND finished_at < :cutoff""")
                .bind("cutoff", toDb(cutoff)).execute());
    }

    private static List<Entry> load(Handle handle, String where, Long id) {
        var query = handle.createQuery("""
                SELECT j.id, j.who, j.save_comment, j.state, j.started_at, j.finished_at, j.outcome,
                       s.server_name, c.old_config, c.new_config, s.step
                FROM change_journal j
                JOIN change_journal_server s ON s.change_id = j.id
                JOIN change_journal_config c ON c.change_id = s.change_id AND c.apply_order = s.apply_order
                """ + where + " ORDER BY j.id, s.apply_order");
        if (id != null) {
            query.bind("id", id);
        }
        Map<Long, EntryBuilder> entries = new LinkedHashMap<>();
        query.map((rs, ctx) -> {
            EntryBuilder entry = entries.computeIfAbsent(rs.getLong("id"), key -> new EntryBuilder());
            entry.fill(rs);
            entry.servers.add(new ServerEntry(rs.getString("server_name"), rs.getString("old_config"),
                    rs.getString("new_config"), ServerStep.valueOf(rs.getString("step"))));
            return entry;
        }).list();
        return entries.values().stream().map(EntryBuilder::build).toList();
    }

    /**
     * A Timestamp to the millisecond, which both engines keep alike: PostgreSQL's driver sends it with its offset into
     * TIMESTAMP WITH TIME ZONE, SQLite's stores epoch milliseconds. (SQLite's driver has no OffsetDateTime.)
     */
    private static Timestamp toDb(Instant at) {
        return Timestamp.from(at.truncatedTo(ChronoUnit.MILLIS));
    }

    private static Instant fromDb(ResultSet rs, String column) throws SQLException {
        Timestamp value = rs.getTimestamp(column);
        return value == null ? null : value.toInstant();
    }

    /** Collects the rows of one entry (one row per server) from the joined query. */
    private static final class EntryBuilder {
        private long id;
        private String who;
        private String saveComment;
        private State state;
        private Instant startedAt;
        private Instant finishedAt;
        private String outcome;
        private final List<ServerEntry> servers = new ArrayList<>();

        void fill(ResultSet rs) throws SQLException {
            id = rs.getLong("id");
            who = rs.getString("who");
            saveComment = rs.getString("save_comment");
            state = State.valueOf(rs.getString("state"));
            startedAt = fromDb(rs, "started_at");
            finishedAt = fromDb(rs, "finished_at");
            outcome = rs.getString("outcome");
        }

        Entry build() {
            return new Entry(id, who, saveComment, startedAt, state, servers, finishedAt, outcome);
        }
    }
}
