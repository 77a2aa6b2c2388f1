package org.tandem.failover;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Failover relationships in {@code dhcp_failover_relationships} and {@code dhcp_failover_scopes}. */
public final class JdbiFailoverRepository implements FailoverRepository {

    private static final String COLUMNS = "id, name, primary_server_id, secondary_server_id, failover_mode, percentage, mclt, port,"
            + " peer_port, load_balance_max_seconds, max_response_delay, max_unacked_updates, heartbeat_delay, max_ack_delay,"
            + " max_unacked_clients, auto_failover, state";

    private final Jdbi jdbi;

    public JdbiFailoverRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public long insert(FailoverRelationship r) {
        return jdbi.inTransaction(h -> {
            long id = bind(h.createUpdate("INSERT INTO dhcp_failover_relationships (" + COLUMNS.substring(4) + ") VALUES (:name, :primary,"
                    + " :secondary, :mode, :percentage, :mclt, :port, :peerPort, :lbms, :mrd, :muu, :hd, :mad, :muc, :af, :state)"), r)
                    .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
            insertScopes(h, id, r.scopeIds());
            return id;
        });
    }

    @Override
    public void update(FailoverRelationship r) {
        jdbi.useTransaction(h -> {
            bind(h.createUpdate("UPDATE dhcp_failover_relationships SET name = :name, primary_server_id = :primary,"
                    + " secondary_server_id = :secondary, failover_mode = :mode, percentage = :percentage, mclt = :mclt, port = :port,"
                    + " peer_port = :peerPort, load_balance_max_seconds = :lbms, max_response_delay = :mrd, max_unacked_updates = :muu,"
                    + " heartbeat_delay = :hd, max_ack_delay = :mad, max_unacked_clients = :muc, auto_failover = :af, state = :state"
                    + " WHERE id = :id"), r).bind("id", r.id()).execute();
            // Only the difference: a relationship may list thousands of scopes, and a write changes one or two of them.
            Set<Long> now = new HashSet<>(h.createQuery("SELECT scope_id FROM dhcp_failover_scopes WHERE relationship_id = :id")
                    .bind("id", r.id()).mapTo(Long.class).list());
            Set<Long> wanted = new LinkedHashSet<>(r.scopeIds());
            PreparedBatch gone = h.prepareBatch("DELETE FROM dhcp_failover_scopes WHERE relationship_id = :r AND scope_id = :s");
            now.stream().filter(id -> !wanted.contains(id)).forEach(id -> gone.bind("r", r.id()).bind("s", id).add());
            if (gone.size() > 0) {
                gone.execute();
            }
            insertScopes(h, r.id(), wanted.stream().filter(id -> !now.contains(id)).toList());
        });
    }

    private static <S extends org.jdbi.v3.core.statement.SqlStatement<S>> S bind(S s, FailoverRelationship r) {
        return s.bind("name", r.name()).bind("primary", r.primaryServerId()).bind("secondary", r.secondaryServerId())
                .bind("mode", r.failoverMode().name()).bind("percentage", r.percentage()).bind("mclt", r.mclt())
                .bind("port", r.port()).bind("peerPort", r.peerPort()).bind("lbms", r.loadBalanceMaxSeconds())
                .bind("mrd", r.maxResponseDelay()).bind("muu", r.maxUnackedUpdates()).bind("hd", r.heartbeatDelay())
                .bind("mad", r.maxAckDelay()).bind("muc", r.maxUnackedClients()).bind("af", r.autoFailover())
                .bind("state", r.state().name());
    }

    private static void insertScopes(Handle h, long id, List<Long> scopeIds) {
        if (scopeIds.isEmpty()) {
            return;
        }
        PreparedBatch batch = h.prepareBatch("INSERT INTO dhcp_failover_scopes (relationship_id, scope_id) VALUES (:r, :s)");
        scopeIds.forEach(scopeId -> batch.bind("r", id).bind("s", scopeId).add());
        batch.execute();
    }

    @Override
    public Optional<FailoverRelationship> findById(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_failover_relationships WHERE id = :id")
                .bind("id", id).map(mapper(h)).findOne());
    }

    @Override
    public Optional<FailoverRelationship> findByName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_failover_relationships WHERE name = :n")
                .bind("n", name).map(mapper(h)).findOne());
    }

    @Override
    public List<FailoverRelationship> list(Long serverId) {
        return jdbi.withHandle(h -> serverId == null
                ? h.createQuery("SELECT " + COLUMNS + " FROM dhcp_failover_relationships ORDER BY id").map(mapper(h)).list()
                : h.createQuery("SELECT " + COLUMNS + " FROM dhcp_failover_relationships WHERE primary_server_id = :s OR secondary_server_id = :s ORDER BY id")
                        .bind("s", serverId).map(mapper(h)).list());
    }

    @Override
    public void delete(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM dhcp_failover_relationships WHERE id = :id").bind("id", id).execute());
    }

    private static RowMapper<FailoverRelationship> mapper(Handle h) {
        return (rs, ctx) -> {
            long id = rs.getLong("id");
            List<Long> scopes = h.createQuery("SELECT scope_id FROM dhcp_failover_scopes WHERE relationship_id = :id ORDER BY scope_id")
                    .bind("id", id).mapTo(Long.class).list();
            return new FailoverRelationship(id, rs.getString("name"), rs.getLong("primary_server_id"), rs.getLong("secondary_server_id"),
                    FailoverRelationship.Mode.valueOf(rs.getString("failover_mode")), rs.getInt("percentage"), rs.getInt("mclt"),
                    rs.getInt("port"), rs.getInt("peer_port"), rs.getInt("load_balance_max_seconds"), rs.getInt("max_response_delay"),
                    rs.getInt("max_unacked_updates"), nullableInt(rs, "heartbeat_delay"),
                    nullableInt(rs, "max_ack_delay"), nullableInt(rs, "max_unacked_clients"),
                    nullableBoolean(rs, "auto_failover"), FailoverRelationship.State.valueOf(rs.getString("state")), scopes);
        };
    }

    /** A nullable column by getInt and wasNull: SQLite's driver refuses getObject(column, Integer.class) on NULL. */
    private static Integer nullableInt(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    private static Boolean nullableBoolean(java.sql.ResultSet rs, String column) throws java.sql.SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? null : value;
    }
}
