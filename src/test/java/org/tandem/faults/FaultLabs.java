package org.tandem.faults;

import java.time.Duration;
import java.time.Instant;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.lab.DhcpdLab;
import org.tandem.omapi.FailoverStatus;
import org.tandem.omapi.OmapiClient;

/** What the fault tests ask of the real servers directly, bypassing Tandem. */
final class FaultLabs {

    private FaultLabs() {
    }

    /** Polls {@code s} over OMAPI until it reports itself and its partner {@code normal} in {@code relationship}. */
    static void awaitDhcpdNormal(DhcpdLab lab, DhcpdLab.Server s, String relationship, Duration deadline) throws InterruptedException {
        Instant end = Instant.now().plus(deadline);
        String last = "no answer";
        while (Instant.now().isBefore(end)) {
            try (OmapiClient c = lab.omapi(s)) {
                FailoverStatus st = c.failoverState(relationship);
                if (st.localState() == DhcpdFailoverState.NORMAL && st.partnerState() == DhcpdFailoverState.NORMAL) {
                    return;
                }
                last = st.localState() + "/" + st.partnerState();
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            Thread.sleep(250);
        }
        throw new AssertionError("dhcpd " + s.label() + " did not reach normal/normal in " + relationship + " within "
                + deadline.toSeconds() + " s: " + last);
    }
}
