package org.tandem.store;

import org.tandem.common.UserError;

/**
 * The paging, sorting and filtering every list command takes (Micetro's {@code filter}, {@code offset},
 * {@code limit}, {@code sortBy}, {@code sortOrder}).
 */
public record ListQuery(String filter, long offset, int limit, String sortBy, boolean descending) {

    /** Largest page one request may ask for; keeps one answer's memory bounded. */
    public static final int MAX_LIMIT = 10_000;
    public static final int DEFAULT_LIMIT = 1_000;

    public ListQuery {
        if (offset < 0) {
            throw UserError.invalid("offset", "must be 0 or more, not " + offset);
        }
        if (limit < 0 || limit > MAX_LIMIT) {
            throw UserError.invalid("limit", "must be from 0 to " + MAX_LIMIT + ", not " + limit);
        }
        filter = filter == null || filter.isBlank() ? null : filter;
        sortBy = sortBy == null || sortBy.isBlank() ? null : sortBy;
    }

    public static ListQuery all() {
        return new ListQuery(null, 0, DEFAULT_LIMIT, null, false);
    }

    public static ListQuery filtered(String filter) {
        return new ListQuery(filter, 0, DEFAULT_LIMIT, null, false);
    }

    /** Parses Micetro's sort order words, in any case (its manual writes "descending"); anything else is refused naming {@code sortOrder}. */
    public static boolean parseDescending(String sortOrder) {
        if (sortOrder == null || sortOrder.isEmpty() || sortOrder.equalsIgnoreCase("Ascending")) {
            return false;
        }
        if (sortOrder.equalsIgnoreCase("Descending")) {
            return true;
        }
        throw UserError.invalid("sortOrder", "must be Ascending or Descending, not \"" + clip(sortOrder) + "\"");
    }

    static String clip(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
