package org.tandem.changelog;

import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/** The stored change log. */
public interface ChangeLogRepository {
    void insert(ChangeEntry entry);

    Page<ChangeEntry> list(ListQuery query);

    /** Whether the history records the removal of the object {@code objectRef} of {@code objectType}. */
    boolean wasRemoved(String objectType, String objectRef);

    /** Takes the database-wide write lock for the current transaction (see V1 {@code write_lock}). */
    void lockWrites();
}
