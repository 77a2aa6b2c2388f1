package org.tandem.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.Query;

/** The one implementation of filtered, sorted, paged lists that every repository's list method uses. */
public final class Lists {

    private Lists() {}

    /**
     * Runs {@code SELECT columns FROM from WHERE filter ORDER BY sort LIMIT/OFFSET} and the matching count.
     * {@code from} is trusted SQL written in a repository, never user text.
     */
    public static <T> Page<T> page(Handle h, String columns, String from, Fields fields, ListQuery query, RowMapper<T> mapper) {
        return page(h, columns, from, null, Map.of(), fields, query, mapper);
    }

    /** As above, within a fixed condition the caller writes (such as {@code scope_id = :scopeId}), ANDed with the filter. */
    public static <T> Page<T> page(Handle h, String columns, String from, String fixedWhere, Map<String, Object> fixedParams,
            Fields fields, ListQuery query, RowMapper<T> mapper) {
        FilterSql.Condition filter = FilterSql.translate(query.filter(), fields);
        Map<String, Object> params = new LinkedHashMap<>(filter.params());
        params.putAll(fixedParams);
        FilterSql.Condition where = new FilterSql.Condition(
                fixedWhere == null ? filter.sql() : "(" + fixedWhere + ") AND " + filter.sql(), params);
        String orderBy = FilterSql.orderBy(query, fields);
        Query select = h.createQuery("SELECT " + columns + " FROM " + from + " WHERE " + where.sql()
                + " ORDER BY " + orderBy + " LIMIT :limit OFFSET :offset");
        where.params().forEach(select::bind);
        List<T> items = select.bind("limit", query.limit()).bind("offset", query.offset()).map(mapper).list();
        long total;
        if (query.offset() == 0 && items.size() < query.limit()) {
            total = items.size();
        } else {
            Query count = h.createQuery("SELECT COUNT(*) FROM " + from + " WHERE " + where.sql());
            where.params().forEach(count::bind);
            total = count.mapTo(Long.class).one();
        }
        return new Page<>(items, total);
    }
}
