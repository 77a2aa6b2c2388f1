package org.tandem.changelog;

/** One recorded change: who did what to which object, when, why, and the object before and after (JSON). */
public record ChangeEntry(long id, long atMillis, String userName, String saveComment, Action action,
        String objectType, String objectRef, String beforeJson, String afterJson) {

    public static final String RESOURCE = "changes";

    /** What happened to the object. */
    public enum Action { Created, Modified, Removed }

    public String ref() {
        return RESOURCE + "/" + id;
    }
}
