package org.tandem.change;

/** Receives a change's progress; called on the thread running the change, so it must return quickly. */
@FunctionalInterface
public interface ChangeListener {

    ChangeListener NONE = event -> { };

    void onEvent(ChangeEvent event);
}
