package org.tandem.kea;

import java.util.List;

/**
 * What happened when a plan was applied: per server whether config-write persisted it (a read-only {@code /etc/kea}
 * leaves the change live but lost at the next restart) and the steps taken, in order, for the change log.
 */
public record KeaApplyReport(List<String> steps, List<String> warnings) {
    public boolean persisted() {
        return warnings.stream().noneMatch(w -> w.contains("config-write"));
    }
}
