package org.tandem.change;

/**
 * Keeps the change log; Central's change log implements it. Implementations must be idempotent on
 * {@link ChangeRecord#changeId()}: the recovery pass records again a change that was applied but
 * whose Central died before it could close the journal entry.
 */
@FunctionalInterface
public interface ChangeRecorder {

    void record(ChangeRecord record);
}
