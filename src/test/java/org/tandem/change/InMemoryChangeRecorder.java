package org.tandem.change;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The change log in memory, idempotent on the change id as {@link ChangeRecorder} requires. */
final class InMemoryChangeRecorder implements ChangeRecorder {

    private final Map<Long, ChangeRecord> records = new LinkedHashMap<>();
    private int calls;

    @Override
    public synchronized void record(ChangeRecord record) {
        calls++;
        records.put(record.changeId(), record);
    }

    synchronized List<ChangeRecord> records() {
        return new ArrayList<>(records.values());
    }

    synchronized int calls() {
        return calls;
    }
}
