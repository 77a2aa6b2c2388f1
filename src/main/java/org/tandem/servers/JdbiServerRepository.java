package org.tandem.servers;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.tandem.store.Fields;
import org.tandem.store.ListQuery;
import org.tandem.store.Lists;
import org.tandem.store.Page;
import org.tandem.store.SecretBox;

/** DHCP servers in the {@code dhcp_servers} table. */
public final class JdbiServerRepository implements ServerRepository {

    static final Fields FIELDS = Fields.withId("id").ref("ref", "id", DhcpServer.RESOURCE)
            .text("name", "name").text("type", "type").text("address", "address").number("port", "port").text("state", "state");
    private static final String COLUMNS = "id, name, type, address, port, agent_token, username, password, use_tls, state, kea_hooks_location";
    private final Jdbi jdbi;
    /** Agent tokens and Kea passwords are stored encrypted with it (see {@link SecretBox}). */
    private final SecretBox secrets;
    private final RowMapper<DhcpServer> mapper;

    public JdbiServerRepository(Jdbi jdbi, SecretBox secrets) {
        this.jdbi = jdbi;
        this.secrets = secrets;
        this.mapper = (rs, ctx) -> new DhcpServer(rs.getLong("id"), rs.getString("name"),
                ServerType.valueOf(rs.getString("type")), rs.getString("address"), rs.getInt("port"), secrets.open(rs.getString("agent_token")),
                rs.getString("username"), secrets.open(rs.getString("password")), rs.getBoolean("use_tls"), rs.getString("state"),
                rs.getString("kea_hooks_location"));
    }

    /**
     * Encrypts the secrets stored in clear by a Tandem from before encryption, and proves the key opens the ones
     * already encrypted (a wrong key stops Central at start with a clear message, not at the first change).
     * Returns how many rows it encrypted.
     */
    public int sealStoredSecrets() {
        return jdbi.inTransaction(h -> {
            int sealed = 0;
            for (var row : h.createQuery("SELECT id, agent_token, password FROM dhcp_servers").mapToMap().list()) {
                String token = (String) row.get("agent_token");
                String pass = (String) row.get("password");
                secrets.open(token);
                secrets.open(pass);
                if ((token != null && !SecretBox.isSealed(token)) || (pass != null && !SecretBox.isSealed(pass))) {
                    h.createUpdate("UPDATE dhcp_servers SET agent_token = :t, password = :p WHERE id = :id")
                            .bind("t", SecretBox.isSealed(token) ? token : secrets.seal(token))
                            .bind("p", SecretBox.isSealed(pass) ? pass : secrets.seal(pass))
                            .bind("id", ((Number) row.get("id")).longValue()).execute();
                    sealed++;
                }
            }
            return sealed;
        });
    }

    @Override
    public long insert(DhcpServer s) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO dhcp_servers (name, type, address, port, agent_token, username, password, use_tls, state,"
                        + " kea_hooks_location) VALUES (:name, :type, :address, :port, :token, :user, :pass, :tls, :state, :hooks)")
                .bind("name", s.name()).bind("type", s.type().name()).bind("address", s.address()).bind("port", s.port())
                .bind("token", secrets.seal(s.agentToken())).bind("user", s.username()).bind("pass", secrets.seal(s.password())).bind("tls", s.useTls())
                .bind("state", s.state()).bind("hooks", s.keaHooksLocation())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    @Override
    public Optional<DhcpServer> findById(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_servers WHERE id = :id").bind("id", id).map(mapper).findOne());
    }

    @Override
    public Optional<DhcpServer> findByName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_servers WHERE name = :n").bind("n", name).map(mapper).findOne());
    }

    @Override
    public Page<DhcpServer> list(ListQuery query) {
        return jdbi.withHandle(h -> Lists.page(h, COLUMNS, "dhcp_servers", FIELDS, query, mapper));
    }

    @Override
    public void delete(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM dhcp_servers WHERE id = :id").bind("id", id).execute());
    }

    @Override
    public long countDependents(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT (SELECT COUNT(*) FROM dhcp_scopes WHERE server_id = :id)"
                        + " + (SELECT COUNT(*) FROM dhcp_failover_relationships WHERE primary_server_id = :id OR secondary_server_id = :id)")
                .bind("id", id).mapTo(Long.class).one());
    }

    @Override
    public void updateKeaHooksLocation(long id, String keaHooksLocation) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE dhcp_servers SET kea_hooks_location = :hooks WHERE id = :id")
                .bind("hooks", keaHooksLocation).bind("id", id).execute());
    }

    @Override
    public void updateState(long id, String state) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE dhcp_servers SET state = :state WHERE id = :id").bind("state", state).bind("id", id).execute());
    }
}
