package org.tandem.scope;

import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.tandem.net.Ipv4Address;
import org.tandem.store.Fields;
import org.tandem.store.ListQuery;
import org.tandem.store.Lists;
import org.tandem.store.Page;

/** Reservations in the {@code dhcp_reservations} table. */
public final class JdbiReservationRepository implements ReservationRepository {

    static final Fields FIELDS = Fields.withId("id").ref("ref", "id", Reservation.RESOURCE).text("name", "name")
            .text("clientIdentifier", "client_identifier").text("reservationMethod", "reservation_method")
            .ipv4("address", "address").ref("ownerRef", "scope_id", DhcpScope.RESOURCE)
            .ref("dhcpScopeRef", "scope_id", DhcpScope.RESOURCE).text("description", "description")
            .text("ddnsHostName", "ddns_host_name").text("filename", "filename").text("serverName", "server_name")
            .text("nextServer", "next_server");
    private static final String COLUMNS = "id, scope_id, name, client_identifier, reservation_method, address, description,"
            + " ddns_host_name, filename, server_name, next_server";
    private static final RowMapper<Reservation> MAPPER = (rs, ctx) -> new Reservation(rs.getLong("id"), rs.getLong("scope_id"),
            rs.getString("name"), rs.getString("client_identifier"), Reservation.Method.valueOf(rs.getString("reservation_method")),
            new Ipv4Address(rs.getLong("address")), rs.getString("description"),
            new Reservation.Boot(rs.getString("ddns_host_name"), rs.getString("filename"), rs.getString("server_name"), rs.getString("next_server")));

    private final Jdbi jdbi;

    public JdbiReservationRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public long insert(Reservation r) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO dhcp_reservations (scope_id, name, client_identifier, reservation_method, address,"
                        + " description, ddns_host_name, filename, server_name, next_server) VALUES (:s, :n, :c, :m, :a, :d, :dh, :f, :sn, :ns)")
                .bind("s", r.scopeId()).bind("n", r.name()).bind("c", r.clientIdentifier()).bind("m", r.method().name())
                .bind("a", r.address().value()).bind("d", r.description()).bind("dh", r.boot().ddnsHostName())
                .bind("f", r.boot().filename()).bind("sn", r.boot().serverName()).bind("ns", r.boot().nextServer())
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    @Override
    public void update(Reservation r) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE dhcp_reservations SET name = :n, client_identifier = :c, address = :a, description = :d,"
                        + " ddns_host_name = :dh, filename = :f, server_name = :sn, next_server = :ns WHERE id = :id")
                .bind("id", r.id()).bind("n", r.name()).bind("c", r.clientIdentifier()).bind("a", r.address().value())
                .bind("d", r.description()).bind("dh", r.boot().ddnsHostName()).bind("f", r.boot().filename())
                .bind("sn", r.boot().serverName()).bind("ns", r.boot().nextServer()).execute());
    }

    @Override
    public Optional<Reservation> findById(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_reservations WHERE id = :id").bind("id", id).map(MAPPER).findOne());
    }

    @Override
    public Optional<Reservation> findByName(String name) {
        // Names are not unique across scopes; a name works as a ref only when it is unique.
        var found = jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_reservations WHERE name = :n ORDER BY id LIMIT 2")
                .bind("n", name).map(MAPPER).list());
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    @Override
    public Optional<Reservation> findClash(long scopeId, long address, Reservation.Method method, String clientIdentifier) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM dhcp_reservations WHERE scope_id = :s"
                        + " AND (address = :a OR (reservation_method = :m AND client_identifier = :c)) ORDER BY id LIMIT 1")
                .bind("s", scopeId).bind("a", address).bind("m", method.name()).bind("c", clientIdentifier).map(MAPPER).findOne());
    }

    @Override
    public Page<Reservation> list(Long scopeId, ListQuery query) {
        return jdbi.withHandle(h -> scopeId == null
                ? Lists.page(h, COLUMNS, "dhcp_reservations", FIELDS, query, MAPPER)
                : Lists.page(h, COLUMNS, "dhcp_reservations", "scope_id = :scopeId", Map.of("scopeId", scopeId), FIELDS, query, MAPPER));
    }

    @Override
    public void delete(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM dhcp_reservations WHERE id = :id").bind("id", id).execute());
    }
}
