package org.tandem.sync;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalJobLockTest {

    private final LocalJobLock locks = new LocalJobLock();

    @Test
    void tryAcquire_heldName_refusedUntilReleased() {
        JobLock.Held held = locks.tryAcquire("job:full-sync").orElseThrow();

        assertThat(locks.tryAcquire("job:full-sync")).isEmpty();
        assertThat(locks.tryAcquire("job:state-poll")).isPresent();

        held.close();
        assertThat(locks.tryAcquire("job:full-sync")).isPresent();
    }

    @Test
    void close_twice_doesNotReleaseTheNextHoldersLock() {
        JobLock.Held first = locks.tryAcquire("job:full-sync").orElseThrow();
        first.close();
        JobLock.Held second = locks.tryAcquire("job:full-sync").orElseThrow();

        first.close();

        assertThat(locks.tryAcquire("job:full-sync")).isEmpty();
        second.close();
    }
}
