package org.tandem.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.central.CentralConfig;
import org.tandem.central.TestCentral;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.ha.KeaHaActions;
import org.tandem.kea.ha.KeaHaStatus;
import org.tandem.lab.DhcpdLab;
import org.tandem.lab.KeaLab;
import org.tandem.sync.SyncExtension;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * A seeded random sequence of what users and the world do to a real dhcpd failover pair and a real Kea HA pair
 * (issue 12): failover and scope writes, reservations, modifies, syncs, hand edits of the config files, dhcpd
 * restarts. After every step: every answer was a result or a clear error (never an internal one), every server runs,
 * and after a sync the consistency check finds no difference between the store and the servers, and none between
 * the peers unless the step made one by hand (which {@code ReplicateDHCPFailover} then repairs). At the end every
 * relationship with scopes is back in normal / load-balancing.
 *
 * <p>{@code -Dstateful.steps=N} (default 16, the CI run) and {@code -Dstateful.seed=S} replay a run,
 * {@code -Dstateful.seed=random} draws a new one; the seed is printed at the start and in every failure.
 */
class FailoverStatefulIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ISC = "st-isc";
    private static final Pattern INTERNAL = Pattern.compile("(?i)exception|\\bsql|jdbc|\\bat org\\.|internal error|stack");
    private static final Duration STATE_DEADLINE = Duration.ofSeconds(90);

    private static DhcpdLab dhcpd;
    private static KeaLab kea;
    private static TestCentral central;
    private static String session;
    private static final KeaHaActions ha = new KeaHaActions(Clock.systemUTC());

    /** CI replays one seed (a random one could fail a submission on a defect nobody has seen); "random" draws one. */
    private final long seed = "random".equals(System.getProperty("stateful.seed")) ? System.nanoTime()
            : Long.getLong("stateful.seed", 4331109948078L);
    private final int steps = Integer.getInteger("stateful.steps", 16);
    private final Random random = new Random(seed);
    private final List<String> log = new ArrayList<>();
    private int nextIsc = 0;
    private int nextKea = 0;
    /** The last step changed a secondary by hand: the check may name it, and the next step repairs it. */
    private boolean drifted;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        RealServers.assumeKea();
        dhcpd = DhcpdLab.start();
        kea = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.LOAD_BALANCING));
        central = new TestCentral(CentralConfig.defaults(), List.of(new SyncExtension()));
        session = central.login("administrator", TestCentral.ADMIN_PASSWORD);
        for (DhcpdLab.Server s : dhcpd.servers()) {
            ok("AddDHCPServer", p().set("dhcpServer", p().put("name", "isc-" + s.label()).put("type", "ISC").put("address", "127.0.0.1")
                    .put("port", s.agentUri().getPort()).put("agentToken", s.agentToken())));
        }
        for (int i = 0; i < 2; i++) {
            ok("AddDHCPServer", p().set("dhcpServer", p().put("name", "kea-" + (i + 1)).put("type", "Kea").put("address", "127.0.0.1")
                    .put("port", kea.node(i).agentUrl().getPort())));
        }
        for (String s : List.of("isc-a", "isc-b", "kea-1", "kea-2")) {
            ok("SyncDHCPServer", p().put("dhcpServerRef", s));
        }
        // No addresses given: Tandem takes the ones dhcpd listens on.
        ok("AddDHCPFailoverRelationship", p().set("dhcpFailoverRelationship", p().put("name", ISC).put("primaryServer", "isc-a")
                .put("secondaryServer", "isc-b").put("mclt", 300)));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, kea, dhcpd);
    }

    @Test
    void randomSequence_keepsStoreAndServersInAgreementAndThePairsServing() throws Exception {
        System.out.println("FailoverStatefulIT: seed " + seed + ", " + steps + " steps (-Dstateful.seed=" + seed + " replays it)");
        for (int i = 0; i < steps; i++) {
            String op = drifted ? "replicate" : pick();
            try {
                run(op);
                checkInvariants();
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("seed " + seed + ", step " + i + " (" + op + ") failed: " + e.getMessage()
                        + "\nsteps so far: " + log, e);
            }
        }
        try {
            awaitServing();
        } catch (AssertionError e) {
            throw new AssertionError("seed " + seed + ": " + e.getMessage() + "\nsteps: " + log, e);
        }
        System.out.println("FailoverStatefulIT: seed " + seed + " passed: " + log);
    }

    private String pick() {
        String[] ops = {"iscAddScope", "iscAddScope", "iscAddToFailover", "iscRemoveFromFailover", "iscRemoveScope", "iscReservation",
            "iscModify", "iscHandEditSetting", "iscHandEditDrift", "iscRestart", "keaAddScope", "keaAddScope", "keaRemoveScope",
            "keaReservation", "keaModify", "keaHandEditSetting"};
        return ops[random.nextInt(ops.length)];
    }

    private void run(String op) throws Exception {
        switch (op) {
            case "iscAddScope" -> {
                int n = 240 + nextIsc++ % 10;
                ObjectNode params = p().set("range", p().put("subnet", "198.19." + n + ".0/24"));
                params.set("dhcpScope", p().put("dhcpServerRef", "isc-a"));
                params.putArray("dhcpAddressPools").add(p().put("from", "198.19." + n + ".10").put("to", "198.19." + n + ".50"));
                if (random.nextBoolean()) {
                    params.put("dhcpFailoverRelationshipName", ISC);
                }
                answer("AddDHCPScope", params, op + " 198.19." + n + ".0" + (params.has("dhcpFailoverRelationshipName") ? " in failover" : ""));
            }
            case "iscAddToFailover" -> {
                String scope = randomScope("isc-a", false);
                if (scope != null) {
                    answer("AddDHCPScopesToDHCPFailoverRelationship", p().put("dhcpServerRef", "isc-a").put("dhcpFailoverRelationshipName", ISC)
                            .set("dhcpScopeRefs", JSON.createArrayNode().add(scope)), op + " " + scope);
                }
            }
            case "iscRemoveFromFailover" -> {
                String scope = randomScope("isc-a", true);
                if (scope != null) {
                    String action = List.of("None", "Disable", "Delete").get(random.nextInt(3));
                    answer("RemoveDHCPScopesFromDHCPFailoverRelationship", p().put("dhcpServerRef", "isc-a")
                            .put("dhcpFailoverRelationshipName", ISC).put("dhcpFailoverRelationshipDeconfigureAction", action)
                            .set("dhcpScopeRefs", JSON.createArrayNode().add(scope)), op + " " + scope + " " + action);
                }
            }
            case "iscRemoveScope" -> {
                String scope = randomScope(random.nextBoolean() ? "isc-a" : "isc-b", null);
                if (scope != null) {
                    answer("RemoveDHCPScope", p().put("dhcpScopeRef", scope), op + " " + scope);
                }
            }
            case "iscReservation", "keaReservation" -> {
                String server = op.startsWith("isc") ? "isc-a" : "kea-1";
                String scope = randomScope(server, null);
                if (scope != null) {
                    JsonNode s = ok("GetDHCPScope", p().put("dhcpScopeRef", scope)).path("dhcpScope");
                    String prefix = s.path("from").asText().replaceAll("\\.0$", "");
                    int host = 200 + random.nextInt(50);
                    answer("AddDHCPReservation", p().put("owner", scope).set("dhcpReservation", p().put("name", "h" + host)
                            .put("clientIdentifier", String.format("02:00:00:00:%02x:%02x", random.nextInt(256), host))
                            .set("addresses", JSON.createArrayNode().add(prefix + "." + host))), op + " " + scope + " ." + host);
                }
            }
            case "iscModify" -> answer("ModifyDHCPFailoverRelationship", p().set("dhcpFailoverRelationship", p().put("name", ISC)
                    .put("mclt", 300 + random.nextInt(3300))), op);
            case "iscHandEditSetting" -> {
                int value = 20 + random.nextInt(40);
                for (DhcpdLab.Server s : dhcpd.servers()) {
                    String text = Files.readString(s.conf());
                    Files.writeString(s.conf(), text.replaceAll("max-response-delay \\d+;", "max-response-delay " + value + ";"));
                }
                log.add(op + " " + value);
            }
            case "iscHandEditDrift" -> {
                String text = Files.readString(dhcpd.secondary().conf());
                Matcher m = Pattern.compile("range (198\\.19\\.\\d+)\\.10 (198\\.19\\.\\d+)\\.50;").matcher(text);
                if (m.find() && text.contains("failover peer \"" + ISC + "\";")) {
                    Files.writeString(dhcpd.secondary().conf(), text.substring(0, m.start()) + "range " + m.group(1) + ".10 " + m.group(2)
                            + ".60;" + text.substring(m.end()));
                    drifted = true;
                    log.add(op + " " + m.group(1));
                }
            }
            case "replicate" -> {
                answer("ReplicateDHCPFailover", p().put("dhcpServerRef", "isc-b").put("dhcpFailoverRelationshipName", ISC), op);
                drifted = false;
            }
            case "iscRestart" -> {
                DhcpdLab.Server s = random.nextBoolean() ? dhcpd.primary() : dhcpd.secondary();
                dhcpd.stopDhcpd(s);
                dhcpd.startDhcpd(s);
                log.add(op + " " + s.label());
            }
            case "keaAddScope" -> {
                int n = 160 + nextKea++ % 10;
                ObjectNode params = p().set("range", p().put("subnet", "198.19." + n + ".0/24"));
                params.set("dhcpScope", p().put("dhcpServerRef", random.nextBoolean() ? "kea-1" : "kea-2"));
                params.putArray("dhcpAddressPools").add(p().put("from", "198.19." + n + ".10").put("to", "198.19." + n + ".50"));
                answer("AddDHCPScope", params, op + " 198.19." + n + ".0");
            }
            case "keaRemoveScope" -> {
                String scope = randomScope("kea-1", null);
                if (scope != null) {
                    answer("RemoveDHCPScope", p().put("dhcpScopeRef", scope), op + " " + scope);
                }
            }
            case "keaModify" -> {
                String name = keaRelationship();
                if (name != null) {
                    answer("ModifyDHCPFailoverRelationship", p().set("dhcpFailoverRelationship", p().put("name", name)
                            .put("heartbeatDelay", 1000 + random.nextInt(2000))), op);
                }
            }
            case "keaHandEditSetting" -> {
                int value = 3000 + random.nextInt(4000);
                for (KeaLab.Node n : kea.nodes()) {
                    ObjectNode root = (ObjectNode) JSON.readTree(n.configFile().toFile());
                    for (JsonNode lib : root.path("Dhcp4").path("hooks-libraries")) {
                        JsonNode block = lib.path("parameters").path("high-availability").path(0);
                        if (block.isObject()) {
                            ((ObjectNode) block).put("max-response-delay", value);
                        }
                    }
                    Files.writeString(n.configFile(), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
                }
                for (String s : List.of("kea-1", "kea-2")) {
                    answer("ReloadDHCPServerConfiguration", p().put("dhcpServerRef", s), op + " reload " + s);
                }
                log.add(op + " " + value);
            }
            default -> throw new IllegalStateException(op);
        }
    }

    /** After every step: servers run; after a sync of each, the check finds no store difference and no unplanned drift. */
    private void checkInvariants() throws Exception {
        for (DhcpdLab.Server s : dhcpd.servers()) {
            String pid = Files.exists(s.pidFile()) ? Files.readString(s.pidFile()).strip() : "";
            assertThat(!pid.isEmpty() && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false))
                    .as("dhcpd " + s.label() + " runs").isTrue();
        }
        for (KeaLab.Node n : kea.nodes()) {
            assertThat(n.dhcpRunning()).as("kea-dhcp4 " + n.name() + " runs").isTrue();
        }
        for (String s : List.of("isc-a", "isc-b", "kea-1", "kea-2")) {
            ok("SyncDHCPServer", p().put("dhcpServerRef", s));
        }
        for (JsonNode f : ok("CheckDHCPFailover", p()).path("findings")) {
            boolean expected = drifted && f.path("kind").asText().equals("Peers") && f.path("dhcpFailoverRelationshipName").asText().equals(ISC);
            assertThat(expected).as("unexpected finding: " + f).isTrue();
        }
    }

    /** Every relationship with scopes serves again: dhcpd peers normal, Kea peers load-balancing. */
    private void awaitServing() throws Exception {
        JsonNode isc = ok("GetDHCPFailoverRelationship", p().put("dhcpServerRef", "isc-a").put("dhcpFailoverRelationshipName", ISC))
                .path("dhcpFailoverRelationship");
        if (isc.path("state").asText().equals("Normal")) {
            dhcpd.awaitNormal(dhcpd.primary(), ISC, STATE_DEADLINE);
            dhcpd.awaitNormal(dhcpd.secondary(), ISC, STATE_DEADLINE);
        }
        for (KeaLab.Node n : kea.nodes()) {
            KeaClient c = new KeaClient(n.name(), n.agentEndpoint());
            KeaHaStatus last = ha.await(c, "load-balancing", s -> s.localState().equals("load-balancing"), STATE_DEADLINE,
                    Duration.ofMillis(250));
            assertThat(last.localState()).as(n.name()).isEqualTo("load-balancing");
        }
    }

    /** A scope of the server, in failover or not (null: either), or null when there is none. */
    private String randomScope(String server, Boolean inFailover) {
        List<String> refs = new ArrayList<>();
        for (JsonNode s : ok("GetDHCPScopes", p().put("filter", "dhcpServerRef=" + serverRef(server))).path("dhcpScopes")) {
            boolean failover = s.path("authority").asText().equals("Failover");
            boolean labSubnet = s.path("from").asText().startsWith(dhcpd.subnetPrefix() + ".");
            if (!labSubnet && (inFailover == null || inFailover == failover)) {
                refs.add(s.path("ref").asText());
            }
        }
        return refs.isEmpty() ? null : refs.get(random.nextInt(refs.size()));
    }

    private static String serverRef(String name) {
        return ok("GetDHCPServer", p().put("dhcpServerRef", name)).path("dhcpServer").path("ref").asText();
    }

    private static String keaRelationship() {
        for (JsonNode r : ok("GetDHCPFailoverRelationships", p()).path("dhcpFailoverRelationships")) {
            if (r.path("serverType").asText().equals("Kea")) {
                return r.path("name").asText();
            }
        }
        return null;
    }

    /** A call whose answer may be a clear refusal but never an internal error; logged either way. */
    private void answer(String method, ObjectNode params, String what) {
        JsonNode a = central.rpc(method, withSession(params).toString(), Duration.ofMinutes(5));
        JsonNode error = a.path("error");
        if (!error.isMissingNode()) {
            String message = error.path("message").asText();
            assertThat(error.path("code").asInt()).as(method + " answered an internal error: " + error).isNotEqualTo(-32603);
            assertThat(INTERNAL.matcher(message).find()).as(method + " leaked an internal error: " + message).isFalse();
            assertThat(message).as(method + " refused without saying why").isNotBlank();
            log.add(what + " -> refused: " + message);
            return;
        }
        log.add(what);
    }

    /** A call that must succeed. */
    private static JsonNode ok(String method, ObjectNode params) {
        JsonNode a = central.rpc(method, withSession(params).toString(), Duration.ofMinutes(5));
        if (a.has("error")) {
            throw new AssertionError(method + " " + params + " failed: " + a.path("error"));
        }
        return a.path("result");
    }

    private static ObjectNode withSession(ObjectNode params) {
        ObjectNode n = JSON.createObjectNode().put("session", session);
        n.setAll(params);
        return n;
    }

    private static ObjectNode p() {
        return JSON.createObjectNode();
    }
}
