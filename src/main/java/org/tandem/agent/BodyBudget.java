package org.tandem.agent;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request-body bytes the agent holds at once. A body costs several times its size while it is read, parsed and
 * checked (bytes, the JSON string, its UTF-8 copy), so six concurrent 15.9 MiB PUTs ran a probe's agent out of heap
 * (issue 17); a request that would go over the budget is refused at once instead of read.
 */
final class BodyBudget {

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the in-flight body limit must be positive");
        }
        this.limit = limit;
    }

    /** A default from the heap: bodies cost about five times their size, and the rest of the agent needs room too. */
    static long forHeap(long maxHeapBytes, long maxBodyBytes) {
        return Math.max(maxBodyBytes, maxHeapBytes / 8);
    }

    long limit() {
        return limit;
    }

    /** Reserves {@code bytes}, or returns false without reserving when the budget cannot hold them now. */
    boolean tryReserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now + bytes > limit) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    /** The bytes reserved now. */
    long held() {
        return held.get();
    }

    void release(long bytes) {
        held.addAndGet(-bytes);
    }
}
