package org.tandem.store;

import java.util.List;
import java.util.function.Function;

/** One page of a list and the number of items matching the filter over all pages. */
public record Page<T>(List<T> items, long totalResults) {

    public Page {
        items = List.copyOf(items);
    }

    public <R> Page<R> map(Function<? super T, ? extends R> f) {
        return new Page<>(items.stream().<R>map(f).toList(), totalResults);
    }
}
