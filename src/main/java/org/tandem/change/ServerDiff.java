package org.tandem.change;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.List;

/** The unified diff of one server's configuration, from what it runs to what a change gives it. */
public record ServerDiff(String server, String unifiedDiff) {

    private static final int CONTEXT_LINES = 3;

    /** The diff of one server's change; empty text when the change leaves the server as it is. */
    public static ServerDiff of(ServerChange change) {
        if (change.unchanged()) {
            return new ServerDiff(change.server(), "");
        }
        List<String> before = change.expectedConfig().lines().toList();
        List<String> after = change.newConfig().lines().toList();
        if (before.equals(after)) {
            // lines() drops line terminators, so only they differ; a unified diff cannot show that.
            return new ServerDiff(change.server(), "--- a/" + change.server() + "\n+++ b/" + change.server()
                    + "\n(only line endings or the final newline differ)\n");
        }
        Patch<String> patch = DiffUtils.diff(before, after);
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(
                "a/" + change.server(), "b/" + change.server(), before, patch, CONTEXT_LINES);
        return new ServerDiff(change.server(), lines.isEmpty() ? "" : String.join("\n", lines) + "\n");
    }
}
