package org.tandem.change;

/** Receives a change's progress; called on the thread running the change, so it must return quickly. */
@FunctionalInterface
public interface ChangeListener {

    ChangeListener NONE = event -> { };

    /** Each step of a change in the log, so an operator can follow a slow change server by server. */
    ChangeListener LOG = e -> org.slf4j.LoggerFactory.getLogger(ChangeListener.class).info("change step {}{}: {}", e.phase(),
            e.server() == null ? "" : " on " + e.server(), e.detail());

    void onEvent(ChangeEvent event);
}
