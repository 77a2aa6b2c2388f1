package org.tandem.changelog;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.tandem.auth.Actor;
import org.tandem.common.UserError;
import org.tandem.store.ListQuery;
import org.tandem.store.Page;

/**
 * The one door every write goes through: it checks the actor may write, serialises writes across
 * Central nodes, runs the work in one transaction, and records a change log entry per object touched
 * (user, time, saveComment, before and after). A write that fails records nothing and changes nothing.
 */
public final class ChangeLog {

    /** Longest saveComment accepted. */
    public static final int MAX_COMMENT = 1000;

    /** Collects what one write did; services call it for each object they create, modify or remove. */
    public interface Recorder {
        void created(String objectType, String ref, Map<String, ?> after);

        void modified(String objectType, String ref, Map<String, ?> before, Map<String, ?> after);

        void removed(String objectType, String ref, Map<String, ?> before);
    }

    /** The work of one write, run inside its transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Recorder recorder);
    }

    private final Jdbi jdbi;
    private final ChangeLogRepository repository;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();

    public ChangeLog(Jdbi jdbi, ChangeLogRepository repository, Clock clock) {
        this.jdbi = jdbi;
        this.repository = repository;
        this.clock = clock;
    }

    /** Runs {@code work} as {@code actor}'s write with its {@code saveComment} (may be null). */
    public <T> T write(Actor actor, String saveComment, Work<T> work) {
        if (!actor.mayWrite()) {
            throw new UserError(UserError.Kind.PERMISSION_DENIED, null,
                    "User \"" + actor.userName() + "\" is read-only and may not make changes");
        }
        String comment = saveComment == null ? "" : saveComment;
        if (comment.length() > MAX_COMMENT) {
            throw UserError.invalid("saveComment", "is longer than " + MAX_COMMENT + " characters");
        }
        return jdbi.inTransaction(h -> {
            // Repositories open handles through the same Jdbi; Jdbi's handle scope hands them this
            // transaction's handle, so the lock, the work and the log entries commit or roll back together.
            repository.lockWrites();
            List<ChangeEntry> entries = new ArrayList<>();
            long now = clock.millis();
            T result = work.run(new Recorder() {
                @Override
                public void created(String type, String ref, Map<String, ?> after) {
                    entries.add(entry(ChangeEntry.Action.Created, type, ref, null, after));
                }

                @Override
                public void modified(String type, String ref, Map<String, ?> before, Map<String, ?> after) {
                    entries.add(entry(ChangeEntry.Action.Modified, type, ref, before, after));
                }

                @Override
                public void removed(String type, String ref, Map<String, ?> before) {
                    entries.add(entry(ChangeEntry.Action.Removed, type, ref, before, null));
                }

                private ChangeEntry entry(ChangeEntry.Action action, String type, String ref, Map<String, ?> before, Map<String, ?> after) {
                    return new ChangeEntry(0, now, actor.userName(), comment, action, type, ref, toJson(before), toJson(after));
                }
            });
            entries.forEach(repository::insert);
            return result;
        });
    }

    public Page<ChangeEntry> history(ListQuery query) {
        return repository.list(query);
    }

    /** Whether the object {@code ref} of {@code objType} was removed (ids are never reused, so it is gone for good). */
    public boolean wasRemoved(String objType, String ref) {
        return repository.wasRemoved(objType, ref);
    }

    private String toJson(Map<String, ?> snapshot) {
        if (snapshot == null) {
            return null;
        }
        try {
            return json.writeValueAsString(snapshot);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("snapshot not serialisable", e);
        }
    }
}
