package org.tandem.dhcpd;

import java.net.ConnectException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.tandem.agent.AgentApi;
import org.tandem.agent.AgentClient;
import org.tandem.agent.AgentError;
import org.tandem.change.LiveConfig;
import org.tandem.change.RecentReads;
import org.tandem.change.ServerTarget;
import org.tandem.common.UserError;

/**
 * An ISC dhcpd server as the change engine drives it, through its Tandem agent: read the config with
 * its SHA-256, validate with the agent's {@code dhcpd -t}, conditional write and restart (the agent
 * puts the old file back itself when dhcpd does not come back), and health through OMAPI.
 *
 * <p>Failover: a peer counts only when the partner server also declares it (the partner is found by
 * {@code partnerOf}, Tandem's relationship of that name; asked only when OMAPI does not show the pair
 * normal at once). Before this server restarts, {@link #prepare}
 * waits until it sees its partner {@code normal}, so the partner serves alone while this one is down;
 * after the restart, {@link #awaitHealthy} waits until both sides are {@code normal} again. A peer only
 * one side declares yet (the first server of a new relationship) cannot reach {@code normal} and is not
 * waited for: the second server's restart is the one that brings the pair to {@code normal}.
 */
public final class DhcpdTarget implements ServerTarget {

    /** Each probe is one OMAPI handshake through the agent; the baseline it is measured against polls as often. */
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Pattern PEER_BLOCK = Pattern.compile("^[ \\t]*failover[ \\t]+peer[ \\t]+\"([^\"\\n]+)\"\\s*\\{",
            Pattern.MULTILINE);

    private final String name;
    private final AgentClient agent;
    private final Function<String, Optional<DhcpdTarget>> partnerOf;
    private final Clock clock;
    private final RecentReads recent;
    /** The config text last read and last applied; the engine uses one target per change, in one thread. */
    private String lastRead;
    private String lastApplied;

    /**
     * @param partnerOf the other server of the relationship named by a failover peer, when it is a
     *                  registered dhcpd server (empty: the peer is not Tandem's, never waited for)
     * @param recent    every read is remembered there, for {@link #recentRead}
     */
    public DhcpdTarget(String name, AgentClient agent, Function<String, Optional<DhcpdTarget>> partnerOf, Clock clock,
                       RecentReads recent) {
        this.name = Objects.requireNonNull(name, "name");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.partnerOf = Objects.requireNonNull(partnerOf, "partnerOf");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.recent = Objects.requireNonNull(recent, "recent");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LiveConfig read() {
        AgentApi.ConfigView view = agent.readConfig();
        if (view == null || view.content() == null || view.sha256() == null) {
            throw UserError.unreachable("the agent of dhcpd server \"" + name + "\" answered without a configuration", null);
        }
        LiveConfig live = new LiveConfig(view.content(), view.sha256());
        lastRead = live.text();
        recent.put(name, live);
        return live;
    }

    @Override
    public LiveConfig recentRead(Duration maxAge) {
        Optional<LiveConfig> live = recent.within(name, maxAge);
        if (live.isEmpty()) {
            return read();
        }
        lastRead = live.get().text();
        return live.get();
    }

    @Override
    public void validate(String newConfig) {
        agent.validateConfig(newConfig);
    }

    @Override
    public void apply(String newConfig, String expectedSha256) {
        lastApplied = null;
        recent.forget(name);
        agent.writeConfig(newConfig, expectedSha256);
        lastApplied = newConfig;
    }

    @Override
    public void prepare(Instant deadline) {
        // The engine read the running config just before (its conflict check); that is what runs now.
        for (String peer : declaredPeers(lastRead != null ? lastRead : read().text())) {
            awaitState(peer, deadline, true, "its partner in failover normal before it restarts");
        }
    }

    @Override
    public void awaitHealthy(Instant deadline) {
        while (true) {
            String why;
            try {
                AgentApi.HealthView health = agent.health();
                why = health.dhcpdRunning() ? null : health.detail();
            } catch (UserError e) {
                refuseIfAgentGone(e, "dhcpd running again");
                why = e.getMessage();
            }
            if (why == null) {
                break;
            }
            if (clock.instant().isAfter(deadline)) {
                throw UserError.unreachable("dhcpd is not running again on \"" + name + "\": " + why, null);
            }
            pause();
        }
        for (String peer : declaredPeers(lastApplied != null ? lastApplied : read().text())) {
            awaitState(peer, deadline, false, "failover normal with its partner");
        }
    }

    /**
     * The failover peers a config declares, found by their {@code failover peer "NAME" {} opening
     * (not the full parser: this runs on every restart of configs with thousands of scopes, and a
     * block's name is all that is needed; commented-out lines start with '#' and do not match).
     */
    public static List<String> declaredPeers(String config) {
        List<String> out = new ArrayList<>();
        Matcher m = PEER_BLOCK.matcher(config);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Whether the registered partner of the relationship named {@code peer} declares it too. */
    private boolean partnerDeclares(String peer) {
        Optional<DhcpdTarget> partner = partnerOf.apply(peer);
        return partner.isPresent() && !partner.get().name.equals(name)
                && declaredPeers(partner.get().read().text()).contains(peer);
    }

    /**
     * Polls the relationship over OMAPI (through the agent) until this server is {@code normal} and
     * sees its partner {@code normal}; {@code partnerOnly} accepts any local state as long as the
     * partner is normal (used before a restart, when only the partner's service matters).
     */
    private void awaitState(String peer, Instant deadline, boolean partnerOnly, String what) {
        String last = "not answering";
        // Asked only when the pair is not normal at once: a peer only this server declares never gets there.
        Boolean shared = null;
        while (true) {
            try {
                AgentApi.FailoverStateView s = agent.failoverState(peer);
                boolean partnerNormal = s.partnerState() == DhcpdFailoverState.NORMAL;
                boolean localNormal = s.localState() == DhcpdFailoverState.NORMAL;
                if (partnerNormal && (partnerOnly || localNormal)) {
                    return;
                }
                last = "it is " + s.localState() + " and sees its partner " + s.partnerState();
            } catch (UserError e) {
                refuseIfAgentGone(e, what);
                last = e.getMessage();
            }
            if (shared == null) {
                shared = partnerDeclares(peer);
            }
            if (!shared) {
                return;
            }
            if (clock.instant().isAfter(deadline)) {
                throw UserError.unreachable("dhcpd server \"" + name + "\" did not reach " + what + " for relationship \""
                        + peer + "\" in time: " + last, null);
            }
            pause();
        }
    }

    /**
     * Nothing listens at the agent's address any more (connection refused, not a slow answer or an
     * error the agent reported): the agent process is gone, and polling it until the step's deadline
     * (minutes) would only delay giving the servers already changed their old config back.
     */
    private void refuseIfAgentGone(UserError e, String what) {
        if (!(e instanceof AgentError) && e.getCause() instanceof ConnectException) {
            throw UserError.unreachable("dhcpd server \"" + name + "\" cannot be checked for " + what + ": " + e.getMessage(), e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw UserError.unreachable("interrupted while waiting for a dhcpd server", e);
        }
    }
}
