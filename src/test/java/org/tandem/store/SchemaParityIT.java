package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.tandem.change.TestDatabases;

/**
 * SQLite starts from a schema written for it at V75 while PostgreSQL replays V1..V75 (docs/central.md): the two must
 * end with the same tables, columns, nullability and unique keys, or a repository that works on one breaks on the other.
 * A migration added to one engine's folder only fails here.
 */
class SchemaParityIT {

    @Test
    void sqliteAndPostgres_haveTheSameTablesColumnsNullabilityAndUniqueKeys() throws Exception {
        try (Database sqlite = Database.open(Database.temporaryUrl("parity")); TestDatabases postgres = TestDatabases.postgres()) {
            Map<String, String> onSqlite = sqlite.jdbi().withHandle(h -> describe(h.getConnection(), null));
            Map<String, String> onPostgres;
            try (Connection c = postgres.connect()) {
                onPostgres = describe(c, c.getSchema());
            }
            assertThat(onSqlite).as("SQLite's schema beside PostgreSQL's").isEqualTo(onPostgres);
            assertThat(onSqlite).containsKeys("dhcp_scopes", "dhcp_reservations", "change_journal", "web_keys");
        }
    }

    /** Each table: its columns with NOT NULL, and the column sets of its unique indexes (primary key included). */
    private static Map<String, String> describe(Connection c, String schema) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        Map<String, String> tables = new TreeMap<>();
        try (ResultSet t = meta.getTables(null, schema, "%", new String[] {"TABLE"})) {
            while (t.next()) {
                String table = t.getString("TABLE_NAME").toLowerCase();
                if (!table.startsWith("flyway_") && !table.startsWith("sqlite_")) {
                    tables.put(table, columns(meta, schema, table) + " unique " + uniqueKeys(meta, schema, table));
                }
            }
        }
        return tables;
    }

    private static String columns(DatabaseMetaData meta, String schema, String table) throws SQLException {
        Map<String, String> columns = new TreeMap<>();
        try (ResultSet col = meta.getColumns(null, schema, table, "%")) {
            while (col.next()) {
                columns.put(col.getString("COLUMN_NAME").toLowerCase(), "NO".equals(col.getString("IS_NULLABLE")) ? "not null" : "null");
            }
        }
        return columns.toString();
    }

    private static String uniqueKeys(DatabaseMetaData meta, String schema, String table) throws SQLException {
        Map<String, java.util.TreeSet<String>> keys = new TreeMap<>();
        try (ResultSet ix = meta.getIndexInfo(null, schema, table, true, false)) {
            while (ix.next()) {
                if (ix.getString("COLUMN_NAME") != null && !ix.getBoolean("NON_UNIQUE")) {
                    keys.computeIfAbsent(String.valueOf(ix.getString("INDEX_NAME")), k -> new java.util.TreeSet<>())
                            .add(ix.getString("COLUMN_NAME").toLowerCase());
                }
            }
        }
        try (ResultSet pk = meta.getPrimaryKeys(null, schema, table)) {
            java.util.TreeSet<String> columns = new java.util.TreeSet<>();
            while (pk.next()) {
                columns.add(pk.getString("COLUMN_NAME").toLowerCase());
            }
            keys.put("primary", columns);
        }
        // Index names differ by engine (SQLite names its automatic ones); the column sets are what must agree.
        return new java.util.TreeSet<>(keys.values().stream().map(Object::toString).toList()).toString();
    }
}
