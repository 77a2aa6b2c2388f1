package org.tandem.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.central.TestCentral;
import org.tandem.lab.DhcpdLab;
import org.tandem.testing.Cleanup;
import org.tandem.testing.CliRun;
import org.tandem.testing.RealServers;

/**
 * The client commands' failover writes on a real dhcpd 4.4 pair (DhcpdLab: two network namespaces, two agents), where
 * a relationship with a scope must reach failover normal: {@code scopes add --failover} for real and as a dry run, and
 * the dry runs of the writes on a Normal relationship, each checked on both servers' configs and through the API.
 */
class ClientFailoverDhcpdIT {

    private static final String REL = "cli-lab";
    private static DhcpdLab lab;
    private static TestCentral central;


    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        central = new TestCentral();
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    private static CliRun tandem(String... args) {
        return CliRun.asAdministrator(central, args);
    }

    private static JsonNode api(String method, String paramsJson) throws Exception {
        TandemClient c = new TandemClient(URI.create(central.base() + "/"), null);
        c.login("administrator", TestCentral.ADMIN_PASSWORD);
        return c.call(method, (ObjectNode) TandemClient.json().readTree(paramsJson));
    }

    private static JsonNode relationship() throws Exception {
        return api("GetDHCPFailoverRelationship", "{\"dhcpServerRef\":\"cli-lab-a\",\"dhcpFailoverRelationshipName\":\"" + REL + "\"}")
                .path("dhcpFailoverRelationship");
    }

    private static String conf(DhcpdLab.Server s) throws Exception {
        return Files.readString(s.conf());
    }

    private static void assertDryRun(CliRun r, String successMessage) {
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().stripTrailing()).endsWith(ClientOptions.DRY_RUN_DONE);
        assertThat(r.out()).doesNotContain(successMessage);
    }

    @Test
    void scopesAddFailover_dryRunShowsBothServers_thenWritesBoth_andEveryDryRunOnTheNormalPairWritesNothing() throws Exception {
        DhcpdLab.Server a = lab.primary();
        DhcpdLab.Server b = lab.secondary();
        for (DhcpdLab.Server s : lab.servers()) {
            CliRun add = tandem("servers", "add", "--name", "cli-lab-" + s.label(), "--type", "ISC", "--address", "127.0.0.1", "--port",
                    Integer.toString(s.agentUri().getPort()), "--agent-token", s.agentToken());
            assertThat(add.code()).as(add.err()).isZero();
        }
        CliRun fo = tandem("failover", "add", REL, "--primary", "cli-lab-a", "--secondary", "cli-lab-b", "--mclt", "600",
                "--address", a.address(), "--peer-address", b.address());
        assertThat(fo.code()).as(fo.err()).isZero();
        assertThat(relationship().path("primaryAddress").asText()).isEqualTo(a.address());
        assertThat(relationship().path("secondaryAddress").asText()).isEqualTo(b.address());

        String confA = conf(a);
        String confB = conf(b);
        String[] scope = {"scopes", "add", "--subnet", "198.19.210.0/24", "--server", "cli-lab-b", "--pool", "198.19.210.10-198.19.210.99",
                "--failover", REL, "--comment", "cli scope in failover"};
        String[] dryScope = Arrays.copyOf(scope, scope.length + 1);
        dryScope[scope.length] = "--dry-run";
        CliRun dry = tandem(dryScope);
        assertDryRun(dry, "Added scope");
        assertThat(dry.out()).contains("--- cli-lab-a").contains("--- cli-lab-b").contains("+failover peer \"" + REL + "\"")
                .contains("+subnet 198.19.210.0 netmask 255.255.255.0").contains(a.address()).contains(b.address());
        assertThat(conf(a)).isEqualTo(confA);
        assertThat(conf(b)).isEqualTo(confB);
        assertThat(relationship().path("state").asText()).isEqualTo("Empty");

        // Given on the secondary, as a user may: the scope stands for its range and the pair serves it.
        CliRun added = tandem(scope);
        assertThat(added.code()).as(added.err()).isZero();
        assertThat(added.out()).contains("in failover relationship " + REL + ".").doesNotContain(ClientOptions.DRY_RUN_DONE);
        String scopeRef = added.out().replaceAll("(?s).*Added scope (dhcpScopes/\\d+).*", "$1");
        assertThat(api("GetDHCPScope", "{\"dhcpScopeRef\":\"" + scopeRef + "\"}").path("dhcpScope").path("failoverRelationship").asText())
                .isEqualTo(REL);
        JsonNode normal = relationship();
        assertThat(normal.path("state").asText()).isEqualTo("Normal");
        assertThat(normal.path("dhcpScopeRefs")).hasSize(1);
        for (DhcpdLab.Server s : lab.servers()) {
            assertThat(conf(s)).contains("failover peer \"" + REL + "\" {").contains("subnet 198.19.210.0 netmask 255.255.255.0")
                    .containsPattern("pool \\{\\s*failover peer \"" + REL + "\";");
        }
        assertThat(conf(a)).contains("address " + a.address() + ";").contains("peer address " + b.address() + ";").contains("mclt 600;");
        String member = normal.path("dhcpScopeRefs").get(0).asText();

        CliRun show = tandem("failover", "show", REL, "--server", "cli-lab-b");
        assertThat(show.code()).as(show.err()).isZero();
        assertThat(show.out()).containsPattern(REL + " +ISC +cli-lab-a +cli-lab-b +LoadBalance +Normal").contains(member)
                .containsPattern("address +" + a.address().replace(".", "\\."));

        confA = conf(a);
        confB = conf(b);
        CliRun modify = tandem("failover", "modify", REL, "--mclt", "900", "--dry-run");
        assertDryRun(modify, "Modified failover relationship");
        // mclt is the primary's alone in dhcpd's failover peer block: only its config changes.
        assertThat(modify.out()).contains("--- cli-lab-a").doesNotContain("--- cli-lab-b").containsPattern("\\+\\s*mclt 900;");
        CliRun removeScopes = tandem("failover", "remove-scopes", REL, "--scope", member, "--action", "Delete", "--dry-run");
        assertDryRun(removeScopes, "Removed 1 scope");
        assertThat(removeScopes.out()).contains("--- cli-lab-b").contains("-subnet 198.19.210.0 netmask 255.255.255.0");
        CliRun remove = tandem("failover", "remove", REL, "--action", "Delete", "--dry-run");
        assertDryRun(remove, "Removed failover relationship");
        assertThat(remove.out()).contains("-failover peer \"" + REL + "\"");
        CliRun removeJson = tandem("failover", "remove", REL, "--action", "Delete", "--dry-run", "--json");
        assertThat(TandemClient.json().readTree(removeJson.out()).path("results").get(0).path("dryRun").asBoolean()).isTrue();
        assertThat(conf(a)).isEqualTo(confA);
        assertThat(conf(b)).isEqualTo(confB);
        assertThat(relationship().path("mclt").asInt()).isEqualTo(600);
        assertThat(relationship().path("dhcpScopeRefs")).hasSize(1);
    }
}
