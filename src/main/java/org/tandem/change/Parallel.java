package org.tandem.change;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.Supplier;
import org.tandem.common.UserError;

/**
 * Runs one step on several servers at once, each in a virtual thread: the steps wait on servers
 * (an agent's {@code dhcpd -t}, a Kea config-get), so a pair takes the time of its slower server.
 * Failures come out as if the steps had run one after the other in list order: every step runs to its
 * end, then the first failure in list order is thrown.
 */
public final class Parallel {

    private Parallel() {
    }

    /** Applies {@code step} to every item at once and returns the results in the items' order. */
    public static <T, R> List<R> map(List<T> items, Function<T, R> step) {
        if (items.size() == 1) {
            return List.of(step.apply(items.getFirst()));
        }
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> futures = new ArrayList<>();
            for (T item : items) {
                futures.add(pool.submit(() -> step.apply(item)));
            }
            List<R> results = new ArrayList<>();
            for (Future<R> f : futures) {
                results.add(join(f));
            }
            return results;
        }
    }

    /** Both values at once. */
    public static <A, B> Pair<A, B> both(Supplier<A> first, Supplier<B> second) {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<A> a = pool.submit(first::get);
            Future<B> b = pool.submit(second::get);
            return new Pair<>(join(a), join(b));
        }
    }

    /** Two results of {@link #both}. */
    public record Pair<A, B>(A first, B second) {}

    /** Starts {@code step} now in a virtual thread; {@link Pending#get()} waits for it. */
    public static <R> Pending<R> start(Supplier<R> step) {
        var pool = Executors.newVirtualThreadPerTaskExecutor();
        Future<R> f = pool.submit(step::get);
        pool.shutdown();
        return new Pending<>(f);
    }

    /** A step started by {@link #start}. */
    public static final class Pending<R> {
        private final Future<R> future;

        private Pending(Future<R> future) {
            this.future = future;
        }

        /** Waits for the step and returns its result, or throws what it threw. */
        public R get() {
            return join(future);
        }

        /** Waits for the step to end, whatever its outcome (so it no longer races what comes next). */
        public void await() {
            try {
                join(future);
            } catch (RuntimeException ignored) {
                // the caller is already dealing with a failure of its own
            }
        }
    }

    private static <R> R join(Future<R> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            // Errors stand for the process dying (tests simulate a killed Central so): they pass through as they are.
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw UserError.unreachable("interrupted while waiting for a server", e);
        }
    }
}
