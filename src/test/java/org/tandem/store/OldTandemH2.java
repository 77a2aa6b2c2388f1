package org.tandem.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;

/** A data directory as an older Tandem left it: the H2 file tandem.mv.db, migrated up to a given schema version. */
final class OldTandemH2 {

    private OldTandemH2() {
    }

    /** The URL older Tandem's Database.embeddedUrl gave, byte for byte. */
    static String url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("tandem")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0";
    }

    /** Creates tandem.mv.db in {@code dataDir} with the PostgreSQL migrations up to {@code version}, as H2 ran them. */
    static void create(Path dataDir, String version) {
        // Older Tandem's Flyway read "classpath:db/migration"; the scripts' names (and checksums) are the same here.
        Flyway.configure().dataSource(url(dataDir), "", "").locations("classpath:db/migration/postgresql").target(version).load().migrate();
    }

    static Connection connect(Path dataDir) throws SQLException {
        return DriverManager.getConnection(url(dataDir), "", "");
    }

    static void exec(Path dataDir, String... statements) throws SQLException {
        try (Connection c = connect(dataDir); Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    /**
     * Every row of every table but Flyway's, values as SQLite holds them (booleans 0/1, timestamps epoch ms, numbers as
     * long), to compare with {@link #rows(Connection)} of the SQLite side.
     */
    static Map<String, List<Map<String, Object>>> rows(Connection c, List<String> tables) throws SQLException {
        Map<String, List<Map<String, Object>>> all = new LinkedHashMap<>();
        for (String table : tables) {
            List<Map<String, Object>> rows = new ArrayList<>();
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnName(i).toLowerCase(), normal(rs, i, meta.getColumnType(i)));
                    }
                    rows.add(row);
                }
            }
            all.put(table, rows);
        }
        return all;
    }

    private static Object normal(ResultSet rs, int i, int type) throws SQLException {
        Object v = rs.getObject(i);
        if (v == null) {
            return null;
        }
        if (type == Types.TIMESTAMP_WITH_TIMEZONE) {
            return rs.getObject(i, OffsetDateTime.class).toInstant().toEpochMilli();
        }
        if (v instanceof Boolean b) {
            return b ? 1L : 0L;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        return rs.getString(i);
    }
}
