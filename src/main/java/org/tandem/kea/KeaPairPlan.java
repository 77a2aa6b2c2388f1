package org.tandem.kea;

import java.util.List;

/**
 * Plans for both servers of a HA pair. {@code scopeChangeOnly} says the HA blocks stay as they are, so the writes
 * can be ordered to keep DHCP served; HA creation, modification and removal are applied one server after the other.
 */
public record KeaPairPlan(KeaPlan primary, KeaPlan secondary, boolean scopeChangeOnly) {
    public List<KeaPlan> both() {
        return List.of(primary, secondary);
    }

    /** Both diffs, each under its server's name. */
    public String diff() {
        return "--- " + primary.server().server() + "\n" + primary.diff() + "\n--- " + secondary.server().server() + "\n" + secondary.diff();
    }
}
