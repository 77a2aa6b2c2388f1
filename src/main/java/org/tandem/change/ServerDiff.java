package org.tandem.change;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The unified diff of one server's configuration, from what it runs to what a change gives it.
 *
 * <p>Diffs are shown to people (dry runs, the change log), so secret values are masked in them by
 * {@link SecretMask}. A changed secret still shows as a changed line. The journal keeps
 * the exact configurations, since it must be able to restore them.
 */
public record ServerDiff(String server, String unifiedDiff) {

    private static final int CONTEXT_LINES = 3;

    /** The diff of one server's change; empty text when the change leaves the server as it is. */
    public static ServerDiff of(ServerChange change) {
        return between(change.server(), change.expectedConfig(), change.newConfig());
    }

    /** The diff from {@code before} to {@code after}, headed with {@code name}, secrets masked; empty text when they are equal. */
    public static ServerDiff between(String name, String beforeText, String afterText) {
        if (beforeText.equals(afterText)) {
            return new ServerDiff(name, "");
        }
        List<String> before = beforeText.lines().toList();
        List<String> after = afterText.lines().toList();
        if (before.equals(after)) {
            // lines() drops line terminators, so only they differ; a unified diff cannot show that.
            return new ServerDiff(name, "--- a/" + name + "\n+++ b/" + name
                    + "\n(only line endings or the final newline differ)\n");
        }
        Patch<String> patch = DiffUtils.diff(before, after);
        List<String> lines = UnifiedDiffUtils.generateUnifiedDiff(
                "a/" + name, "b/" + name, before, patch, CONTEXT_LINES);
        return new ServerDiff(name, lines.isEmpty() ? ""
                : lines.stream().map(ServerDiff::maskSecrets).collect(Collectors.joining("\n")) + "\n");
    }

    static String maskSecrets(String line) {
        return SecretMask.mask(line);
    }
}
