package org.tandem.scope;

import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.store.Fields;
import org.tandem.store.ListQuery;
import org.tandem.store.Lists;
import org.tandem.store.Page;

/** Ranges in the {@code ranges} table. */
public final class JdbiRangeRepository implements RangeRepository {

    static final Fields FIELDS = Fields.withId("id").ref("ref", "id", Range.RESOURCE).text("name", "name")
            .ipv4("from", "first_ip").ipv4("to", "last_ip").text("description", "description").holding("first_ip", "last_ip");
    private static final String COLUMNS = "id, name, first_ip, last_ip, description";
    private static final RowMapper<Range> MAPPER = (rs, ctx) -> new Range(rs.getLong("id"), rs.getString("name"),
            new Ipv4Range(new Ipv4Address(rs.getLong("first_ip")), new Ipv4Address(rs.getLong("last_ip"))), rs.getString("description"));

    private final Jdbi jdbi;

    public JdbiRangeRepository(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public long insert(String name, Ipv4Range a, String description) {
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO ranges (name, first_ip, last_ip, description) VALUES (:n, :f, :l, :d)")
                .bind("n", name).bind("f", a.first().value()).bind("l", a.last().value()).bind("d", description)
                .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one());
    }

    @Override
    public Optional<Range> findById(long id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ranges WHERE id = :id").bind("id", id).map(MAPPER).findOne());
    }

    @Override
    public Optional<Range> findByName(String name) {
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ranges WHERE name = :n").bind("n", name).map(MAPPER).findOne());
    }

    @Override
    public Optional<Range> findOverlapping(Ipv4Range a) {
        // Stored ranges are disjoint, so only the one starting last at or before our end can reach
        // back into us: a single descending index probe instead of a scan at 100,000 ranges.
        return jdbi.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM ranges WHERE first_ip <= :l ORDER BY first_ip DESC LIMIT 1")
                .bind("l", a.last().value()).map(MAPPER).findOne()
                .filter(r -> r.addresses().last().value() >= a.first().value()));
    }

    @Override
    public Page<Range> list(ListQuery query) {
        return jdbi.withHandle(h -> Lists.page(h, COLUMNS, "ranges", FIELDS, query, MAPPER));
    }

    @Override
    public long countScopes(long rangeId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM dhcp_scopes WHERE range_id = :id").bind("id", rangeId).mapTo(Long.class).one());
    }

    @Override
    public void delete(long id) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM ranges WHERE id = :id").bind("id", id).execute());
    }
}
