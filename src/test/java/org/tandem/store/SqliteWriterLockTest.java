package org.tandem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jdbi.v3.core.transaction.TransactionException;
import org.junit.jupiter.api.Test;

/**
 * Writers on the embedded database queue in Java, one at a time, many more of them than CPUs. Without SqliteWriterLock the
 * first test failed after 211 s on 2 CPUs: waiters asleep in SQLite's busy handler pinned every carrier while the writer
 * holding the lock waited for one, until their busy timeout refused them ("Failed to start transaction").
 */
class SqliteWriterLockTest {

    @Test
    void manyVirtualThreadWriters_allCommit_noneLostOrRefused() throws Exception {
        int writers = 8 * Runtime.getRuntime().availableProcessors();
        int each = 10;
        try (Database db = Database.open(Database.temporaryUrl("writers"))) {
            List<Future<?>> done = new ArrayList<>();
            try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < writers; w++) {
                    done.add(threads.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            // Read, wait a moment (the writer's virtual thread leaves its carrier, as on a monitor or I/O),
                            // then write, in one transaction: what repository writes do.
                            db.jdbi().useTransaction(h -> {
                                long v = h.createQuery("SELECT version FROM write_lock WHERE id = 1").mapTo(Long.class).one();
                                Thread.sleep(1);
                                h.createUpdate("UPDATE write_lock SET version = :v WHERE id = 1").bind("v", v + 1).execute();
                            });
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : done) {
                f.get();
            }
            long version = db.jdbi().withHandle(h -> h.createQuery("SELECT version FROM write_lock").mapTo(Long.class).one());
            assertThat(version).as("every increment of %d writers, none lost to another", writers).isEqualTo((long) writers * each);
        }
    }

    @Test
    void nestedTransaction_joinsTheOuter_andAWriterHeldTooLong_isRefusedNotWaitedForever() throws Exception {
        try (Database db = Database.open(Database.temporaryUrl("writers"))) {
            db.jdbi().setTransactionHandler(new SqliteWriterLock(
                    ((SqliteWriterLock) db.jdbi().getTransactionHandler()).delegate(), 200));
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = Thread.ofVirtual().start(() -> db.jdbi().useTransaction(h -> {
                h.useTransaction(inner -> inner.execute("UPDATE write_lock SET version = version + 1"));
                holding.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            holding.await();
            assertThatThrownBy(() -> db.jdbi().useTransaction(h -> h.execute("UPDATE write_lock SET version = version + 1")))
                    .isInstanceOf(TransactionException.class).hasMessageContaining("busy with another write");
            release.countDown();
            holder.join();
            long version = db.jdbi().withHandle(h -> h.createQuery("SELECT version FROM write_lock").mapTo(Long.class).one());
            assertThat(version).as("the nested write committed with the outer transaction").isEqualTo(1L);
        }
    }
}
