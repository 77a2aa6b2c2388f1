package org.tandem.central;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.auth.AuthService;

/** Background job: deletes expired login sessions so the table does not grow forever. */
final class SessionPurger implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(SessionPurger.class);
    private final AuthService auth;

    SessionPurger(AuthService auth) {
        this.auth = auth;
    }

    @Override
    public void run() {
        try {
            int removed = auth.purgeExpiredSessions();
            if (removed > 0) {
                log.debug("session purge removed {} expired sessions", removed);
            }
        } catch (Exception e) {
            // Keep the schedule alive; the next run tries again.
            log.warn("session purge failed", e);
        }
    }
}
