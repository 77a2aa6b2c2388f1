package org.tandem.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.jdbi.v3.core.Jdbi;

/**
 * Every table of Central's database with its rows as sorted text, on SQLite and PostgreSQL alike (JDBC metadata, not an
 * engine's catalogue): tests take one before and one after what must change nothing, and compare.
 */
public final class TableDump {

    private TableDump() {}

    /** Every table but those {@code skip} names (e.g. sessions, whose last use a read may rightly move). */
    public static Map<String, String> of(Jdbi jdbi, Predicate<String> skip) {
        try {
            return dump(jdbi, skip);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot dump the database: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> dump(Jdbi jdbi, Predicate<String> skip) throws SQLException {
        return jdbi.withHandle(h -> {
            Connection c = h.getConnection();
            Map<String, String> out = new TreeMap<>();
            for (String table : tables(c)) {
                if (!skip.test(table)) {
                    out.put(table, rows(c, table));
                }
            }
            if (out.size() < 5) {
                throw new AssertionError("only " + out.keySet() + " found: the dump cannot tell whether anything changed");
            }
            return out;
        });
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (ResultSet t = c.getMetaData().getTables(null, c.getSchema(), "%", new String[] {"TABLE"})) {
            while (t.next()) {
                String name = t.getString("TABLE_NAME");
                if (!name.startsWith("sqlite_")) {
                    tables.add(name);
                }
            }
        }
        return tables;
    }

    private static String rows(Connection c, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM \"" + table + "\"")) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.append(md.getColumnName(i)).append('=')
                            .append(v instanceof byte[] bytes ? HexFormat.of().formatHex(bytes) : String.valueOf(v)).append('|');
                }
                rows.add(row.toString());
            }
        }
        rows.sort(null);
        return String.join("\n", rows);
    }
}
