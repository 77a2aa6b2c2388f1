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
