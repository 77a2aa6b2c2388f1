package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tandem.change.Poller;
import org.tandem.change.TestDatabases;

/** Two Central "nodes" (two lock sessions) on the real PostgreSQL of {@code TANDEM_TEST_PG_URL}. */
class PostgresJobLockIT {

    private String url;
    private final String job = "full-sync-" + UUID.randomUUID();
    private final AtomicReference<Connection> node1Session = new AtomicReference<>();
    private PostgresJobLock node1;
    private PostgresJobLock node2;

    @BeforeEach
    void startNodes() {
        url = TestDatabases.postgresUrl();
        node1 = new PostgresJobLock(() -> {
            Connection connection = DriverManager.getConnection(url);
            node1Session.set(connection);
            return connection;
        });
        node2 = new PostgresJobLock(() -> DriverManager.getConnection(url));
    }

    @AfterEach
    void stopNodes() {
        if (node1 != null) {
            node1.close();
            node2.close();
        }
    }

    @Test
    void tryAcquire_twoNodes_onlyOneHoldsItUntilReleased() {
        JobLock.Held held = node1.tryAcquire(job).orElseThrow();

        assertThat(node2.tryAcquire(job)).isEmpty();
        // Advisory locks are re-entrant per session; ours must not be.
        assertThat(node1.tryAcquire(job)).isEmpty();

        held.close();
        assertThat(node2.tryAcquire(job)).isPresent();
        assertThat(node1.tryAcquire(job)).isEmpty();
    }

    @Test
    void closeTwice_doesNotReleaseTheLockTakenAgainSince() {
        JobLock.Held first = node1.tryAcquire(job).orElseThrow();
        first.close();
        JobLock.Held second = node1.tryAcquire(job).orElseThrow();

        first.close();

        assertThat(node2.tryAcquire(job)).isEmpty();
        second.close();
        assertThat(node2.tryAcquire(job)).isPresent();
    }

    @Test
    void holderConnectionClosed_otherNodeTakesTheLock() {
        node1.tryAcquire(job).orElseThrow();
        assertThat(node2.tryAcquire(job)).isEmpty();

        node1.close();

        // PostgreSQL frees a session's advisory locks when its backend exits, a moment after the client hangs up.
        var taken = Poller.system(Clock.systemUTC()).until(Clock.systemUTC().instant().plusSeconds(20), () -> node2.tryAcquire(job));
        assertThat(taken).isPresent();
    }

    @Test
    void holderBackendKilled_otherNodeTakesTheLockWithinSeconds() throws SQLException {
        node1.tryAcquire(job).orElseThrow();
        int pid;
        try (Statement statement = node1Session.get().createStatement();
             ResultSet result = statement.executeQuery("SELECT pg_backend_pid()")) {
            result.next();
            pid = result.getInt(1);
        }

        try (Connection admin = DriverManager.getConnection(url); Statement statement = admin.createStatement()) {
            statement.execute("SELECT pg_terminate_backend(" + pid + ")");
        }

        Poller poller = Poller.system(Clock.systemUTC());
        var taken = poller.until(Clock.systemUTC().instant().plusSeconds(20), () -> node2.tryAcquire(job));
        assertThat(taken).isPresent();
        // The dead node's next attempt notices its lost session, reconnects and finds the lock taken.
        assertThat(node1.tryAcquire(job)).isEmpty();
    }

    @Test
    void backgroundJob_onTwoNodes_runsOnOneAtATime() throws InterruptedException {
        CountDownLatch node1Running = new CountDownLatch(1);
        CountDownLatch letNode1Finish = new CountDownLatch(1);
        CountDownLatch node2Ran = new CountDownLatch(1);
        BackgroundJob onNode1 = new BackgroundJob(job, Duration.ofSeconds(1), node1, Clock.systemUTC()) {
            @Override
            protected void runOnce() throws InterruptedException {
                node1Running.countDown();
                letNode1Finish.await(30, TimeUnit.SECONDS);
            }
        };
        BackgroundJob onNode2 = new BackgroundJob(job, Duration.ofSeconds(1), node2, Clock.systemUTC()) {
            @Override
            protected void runOnce() {
                node2Ran.countDown();
            }
        };
        Thread node1Thread = new Thread(onNode1);
        node1Thread.start();
        try {
            assertThat(node1Running.await(30, TimeUnit.SECONDS)).isTrue();

            onNode2.run();

            assertThat(node2Ran.getCount()).isEqualTo(1);
            assertThat(onNode2.status().lastSkippedAt()).isNotNull();
        } finally {
            letNode1Finish.countDown();
            node1Thread.join(30_000);
        }
        onNode2.run();
        assertThat(node2Ran.getCount()).isZero();
    }
}
