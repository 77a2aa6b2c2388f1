package org.tandem.change;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A fault hook for the tests that kill a Central with SIGKILL at an exact step of a change: when the
 * engine reaches phase {@code PHASE} on server {@code SERVER} it writes a marker file and blocks, so
 * the test knows where the process stands when it kills it. Inert unless both system properties
 * {@value #PAUSE_AT} ({@code SERVER:PHASE}, {@code *} for any server or a plan-wide step) and
 * {@value #MARKER} (the file) are set, so it is safe in production builds; it pauses once.
 */
public final class FaultInjectionPause implements ChangeListener {

    public static final String PAUSE_AT = "tandem.fault.pauseAt";
    public static final String MARKER = "tandem.fault.marker";

    private final String server;
    private final ChangeEvent.Phase phase;
    private final Path marker;
    private final AtomicBoolean paused = new AtomicBoolean();

    FaultInjectionPause(String server, ChangeEvent.Phase phase, Path marker) {
        this.server = server;
        this.phase = phase;
        this.marker = marker;
    }

    /** The hook the system properties ask for, or {@link ChangeListener#NONE}; a bad value fails naming the property. */
    public static ChangeListener fromSystemProperties() {
        String at = System.getProperty(PAUSE_AT);
        String file = System.getProperty(MARKER);
        if (at == null && file == null) {
            return ChangeListener.NONE;
        }
        if (at == null || file == null || file.isBlank()) {
            throw new IllegalArgumentException("-D" + PAUSE_AT + " and -D" + MARKER + " must be set together");
        }
        int colon = at.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("-D" + PAUSE_AT + " must be SERVER:PHASE, not \"" + at + "\"");
        }
        ChangeEvent.Phase phase;
        try {
            phase = ChangeEvent.Phase.valueOf(at.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PAUSE_AT + ": unknown phase \"" + at.substring(colon + 1) + "\"; one of "
                    + Arrays.toString(ChangeEvent.Phase.values()), e);
        }
        return new FaultInjectionPause(at.substring(0, colon), phase, Path.of(file));
    }

    @Override
    public void onEvent(ChangeEvent event) {
        boolean serverMatches = server.equals("*") || server.equals(event.server());
        if (event.phase() != phase || !serverMatches || !paused.compareAndSet(false, true)) {
            return;
        }
        try {
            Files.writeString(marker, event.phase() + " " + event.server() + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write fault marker " + marker, e);
        }
        try {
            // Held here until the test kills the process.
            Thread.sleep(Long.MAX_VALUE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
