package org.tandem.sync;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link JobLock} of Central nodes sharing one PostgreSQL database: session-level advisory locks
 * ({@code pg_try_advisory_lock}) on one connection dedicated to this node, so PostgreSQL releases
 * every lock of a node the moment its connection ends, which is what happens when the node dies.
 *
 * <p>Advisory locks are re-entrant within one session, so this class also keeps the names this node
 * holds and refuses a second acquisition itself. Hazard: if the dedicated connection drops while a
 * lock is held (a database restart), the lock is gone although its holder still runs; the next
 * acquisition notices the broken connection, opens a new one and forgets the old holds.
 * Lock names map to 64-bit keys through SHA-256, so unrelated names never collide in practice.
 */
public final class PostgresJobLock implements JobLock, AutoCloseable {

    /** Opens the dedicated connection (not one from a pool that would hand it to someone else). */
    @FunctionalInterface
    public interface ConnectionFactory {
        Connection open() throws SQLException;
    }

    private static final Logger log = LoggerFactory.getLogger(PostgresJobLock.class);

    private final ConnectionFactory connections;
    private final Set<String> held = new HashSet<>();
    private Connection connection;

    public PostgresJobLock(ConnectionFactory connections) {
        this.connections = Objects.requireNonNull(connections, "connections");
    }

    @Override
    public synchronized Optional<Held> tryAcquire(String name) {
        if (held.contains(name)) {
            return Optional.empty();
        }
        try {
            Connection session = session();
            try (PreparedStatement statement = session.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                statement.setLong(1, key(name));
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    if (!result.getBoolean(1)) {
                        return Optional.empty();
                    }
                }
            }
            held.add(name);
            Connection lockedOn = session;
            return Optional.of(new Held() {
                private boolean released;

                @Override
                public void close() {
                    // Once only: a second close must not release the lock this node took again since.
                    synchronized (PostgresJobLock.this) {
                        if (!released) {
                            released = true;
                            release(name, lockedOn);
                        }
                    }
                }
            });
        } catch (SQLException e) {
            // No database, no lock: the job waits for its next turn rather than running unguarded.
            log.warn("cannot take lock {}: {}", name, e.getMessage());
            return Optional.empty();
        }
    }

    private synchronized void release(String name, Connection lockedOn) {
        if (lockedOn != connection || !held.remove(name)) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            statement.setLong(1, key(name));
            statement.executeQuery().close();
        } catch (SQLException e) {
            // The session is broken, so PostgreSQL has already released the lock with it.
            log.warn("cannot release lock {}: {}", name, e.getMessage());
        }
    }

    private Connection session() throws SQLException {
        if (connection != null && !connection.isValid(5)) {
            log.warn("lock connection lost; the locks it held are released");
            closeQuietly();
        }
        if (connection == null) {
            connection = connections.open();
            connection.setAutoCommit(true);
        }
        return connection;
    }

    /** Ends the node's session, releasing every lock it holds. */
    @Override
    public synchronized void close() {
        closeQuietly();
    }

    private void closeQuietly() {
        held.clear();
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing lock connection: {}", e.getMessage());
            }
            connection = null;
        }
    }

    static long key(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("tandem:" + name).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < 8; i++) {
                key = (key << 8) | (digest[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
