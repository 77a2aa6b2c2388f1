package org.tandem.change;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A planned change: every server it touches, in the order they must be applied (the planner puts the
 * standby or secondary first so the partner keeps serving DHCP), with who asked and their comment.
 */
public record ChangePlan(List<ServerChange> servers, String who, String saveComment) {

    public ChangePlan {
        servers = List.copyOf(Objects.requireNonNull(servers, "servers"));
        Objects.requireNonNull(who, "who");
        saveComment = saveComment == null ? "" : saveComment;
        if (who.isBlank() || who.length() > 255) {
            // The journal and the change log keep at most 255 characters of it.
            throw new IllegalArgumentException("who must be 1 to 255 characters");
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("a change plan touches at least one server");
        }
        Set<String> seen = new HashSet<>();
        for (ServerChange change : servers) {
            if (!seen.add(change.server())) {
                // Two entries for one server would apply one over the other and make rollback ambiguous.
                throw new IllegalArgumentException("server \"" + change.server() + "\" appears twice in one change plan");
            }
        }
    }
}
