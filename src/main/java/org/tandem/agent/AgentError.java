package org.tandem.agent;

import java.util.LinkedHashMap;
import java.util.Map;
import org.tandem.common.UserError;

/** A {@link UserError} with facts for the caller beyond the message (dhcpd's output, whether a file was restored). */
public final class AgentError extends UserError {

    private final Map<String, Object> details;

    public AgentError(Kind kind, String field, String message, Map<String, Object> details) {
        super(kind, field, message);
        this.details = details == null ? Map.of() : new LinkedHashMap<>(details);
    }

    public Map<String, Object> details() {
        return details;
    }
}
