package org.tandem.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;

/**
 * Logs refused requests at a bounded rate with the client's text cut short: one unauthenticated client sending
 * 7,000-character paths made the agent write 5 MB/s of log (issue 17). At most {@code perWindow} lines per window,
 * then one line saying how many were left out.
 */
final class RefusalLog {

    /** Paths longer than this are cut; no route of the agent is longer than 60 characters. */
    static final int MAX_TEXT = 120;

    private final Logger log;
    private final Clock clock;
    private final Duration window;
    private final int perWindow;
    private Instant windowStart;
    private int logged;
    private long suppressed;

    RefusalLog(Logger log, Clock clock, Duration window, int perWindow) {
        this.log = log;
        this.clock = clock;
        this.window = window;
        this.perWindow = perWindow;
    }

    /** Logs {@code refused METHOD PATH from IP: why}, unless this window's lines are used up. */
    synchronized void refused(String method, String path, String ip, String why) {
        Instant now = clock.instant();
        if (windowStart == null || !now.isBefore(windowStart.plus(window))) {
            if (suppressed > 0) {
                log.warn("{} more refused requests in the last {} s were not logged", suppressed, window.toSeconds());
            }
            windowStart = now;
            logged = 0;
            suppressed = 0;
        }
        if (logged >= perWindow) {
            suppressed++;
            return;
        }
        logged++;
        log.warn("refused {} {} from {}: {}", shorten(method, 16), shorten(path, MAX_TEXT), ip, why);
    }

    /** At most {@code max} characters, control characters replaced so a client cannot forge log lines. */
    static String shorten(String text, int max) {
        if (text == null) {
            return "";
        }
        String cut = text.length() > max ? text.substring(0, max) : text;
        StringBuilder sb = new StringBuilder(cut.length() + 40);
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            sb.append(Character.isISOControl(c) ? '?' : c);
        }
        if (text.length() > max) {
            sb.append("... (").append(text.length()).append(" characters)");
        }
        return sb.toString();
    }
}
