package org.tandem.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whitelist of API field names a list may be filtered and sorted by, each with its SQL column and
 * type. Only columns named here ever reach SQL text; values are always bound parameters.
 */
public final class Fields {

    /** How a field's filter value is read and compared. */
    public enum Type { TEXT, NUMBER, BOOLEAN, IPV4, REF }

    /** One filterable field; {@code refResource} is the ref prefix for REF fields ({@code ranges}). */
    public record Field(String name, String column, Type type, String refResource) {}

    private final Map<String, Field> byName = new LinkedHashMap<>();
    private final String idColumn;
    private String[] holding;

    private Fields(String idColumn) {
        this.idColumn = idColumn;
    }

    /** Starts a whitelist; {@code idColumn} breaks sort ties so pages never overlap. */
    public static Fields withId(String idColumn) {
        return new Fields(idColumn);
    }

    public Fields text(String name, String column) {
        return add(new Field(name, column, Type.TEXT, null));
    }

    public Fields number(String name, String column) {
        return add(new Field(name, column, Type.NUMBER, null));
    }

    public Fields bool(String name, String column) {
        return add(new Field(name, column, Type.BOOLEAN, null));
    }

    public Fields ipv4(String name, String column) {
        return add(new Field(name, column, Type.IPV4, null));
    }

    public Fields ref(String name, String column, String refResource) {
        return add(new Field(name, column, Type.REF, refResource));
    }

    /**
     * Rows span addresses from {@code firstColumn} to {@code lastColumn}: a filter term that is a bare address or
     * subnet ({@code 192.0.2.7}, {@code 192.0.2.0/24}) matches the rows that hold all of it, as Micetro's range
     * lookups do; any other bare word matches the {@code name} field whole.
     */
    public Fields holding(String firstColumn, String lastColumn) {
        this.holding = new String[] {firstColumn, lastColumn};
        return this;
    }

    /** The first and last address columns of {@link #holding}, or null when rows hold no addresses. */
    String[] holdingColumns() {
        return holding;
    }

    private Fields add(Field field) {
        byName.put(field.name(), field);
        return this;
    }

    public Field get(String name) {
        return byName.get(name);
    }

    public String idColumn() {
        return idColumn;
    }

    public String names() {
        return String.join(", ", byName.keySet());
    }
}
