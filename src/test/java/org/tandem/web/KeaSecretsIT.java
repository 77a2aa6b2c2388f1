package org.tandem.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.auth.Actor;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.change.SecretMask;
import org.tandem.kea.client.KeaClient;
import org.tandem.lab.KeaLab;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.store.Database;
import org.tandem.testing.Cleanup;

/**
 * Issue 17, finding 1, in Chromium against a real Kea 2.2 pair whose HA peers carry a {@code basic-auth-password}: a
 * ReadOnly user's view of the configuration masks it (before, it showed it, and with it config-set on the Control
 * Agent worked) and the user cannot preview; an administrator's edit of something else shows the mask in the editor
 * and the diff, and the server keeps its real password; the change history does not show it either.
 */
class KeaSecretsIT {

    private static final String PASSWORD = "kea-secrets-admin-password";
    private static final String HA_SECRET = "ha-peer-secret-93a7f1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static KeaLab lab;
    private static Central central;
    private static Playwright playwright;
    private static Browser browser;
    private static DhcpServer kea1;

    @BeforeAll
    static void start() throws Exception {
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.HOT_STANDBY));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("kea-secrets-" + UUID.randomUUID()),
                CentralConfig.defaults(), Clock.systemUTC(), List.of(new WebUi()), PASSWORD));
        kea1 = addKea(lab.node(0));
        addKea(lab.node(1));
        central.auth().addUser(Actor.SYSTEM, null, "user", "reader", "reader-password-1", "ReadOnly");
        // The HA hook's client credentials for its peers, set on server1 directly as an operator would in kea-dhcp4.conf.
        KeaClient client = new KeaClient(lab.node(0).name(), lab.node(0).agentEndpoint());
        ObjectNode config = (ObjectNode) client.ok("config-get", null, false).arguments().deepCopy();
        config.remove("hash");
        boolean found = false;
        for (JsonNode lib : config.path("Dhcp4").path("hooks-libraries")) {
            for (JsonNode ha : lib.path("parameters").path("high-availability")) {
                for (JsonNode peer : ha.path("peers")) {
                    ((ObjectNode) peer).put("basic-auth-user", "ha").put("basic-auth-password", HA_SECRET);
                    found = true;
                }
            }
        }
        assertThat(found).as("the lab's HA peers").isTrue();
        client.ok("config-set", config, false);
        assertThat(haConfig().toString()).contains(HA_SECRET);
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get("/usr/bin/chromium"))
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run")));
    }

    private static DhcpServer addKea(KeaLab.Node n) {
        return central.servers().add(Actor.SYSTEM, null, "server", new ServerService.NewServer(n.name(), "Kea",
                n.agentUrl().getHost(), (long) n.agentUrl().getPort(), null, null, null, false));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(browser, playwright, central, lab);
    }

    private static JsonNode haConfig() {
        return new KeaClient(lab.node(0).name(), lab.node(0).agentEndpoint()).ok("config-get", null, false).arguments();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + central.port() + path;
    }

    private static Page signIn(BrowserContext context, String user, String password) {
        context.setDefaultTimeout(20_000);
        Page page = context.newPage();
        page.navigate(url("/login"));
        page.getByLabel("User name").fill(user);
        page.getByLabel("Password").fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("#signed-in")).hasText(user);
        return page;
    }

    @Test
    void readOnlyUser_seesTheHaPasswordMasked_andCannotPreview() {
        try (BrowserContext context = browser.newContext()) {
            Page page = signIn(context, "reader", "reader-password-1");
            page.navigate(url("/ui/kea/" + kea1.id() + "/config"));
            assertThat(page.locator("#config")).not().isEmpty();
            assertThat(page.locator("#config").inputValue()).contains("\"basic-auth-password\" : \"" + SecretMask.MASK + "\"");
            assertThat(page.content()).doesNotContain(HA_SECRET);
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Check and preview")).click();
            assertThat(page.locator("#config-error")).containsText("read-only");
            assertThat(page.content()).doesNotContain(HA_SECRET);
        }
    }

    @Test
    void administratorEdit_showsTheMask_andTheServerKeepsItsRealPassword() throws Exception {
        try (BrowserContext context = browser.newContext()) {
            Page page = signIn(context, "administrator", PASSWORD);
            page.navigate(url("/ui/kea/" + kea1.id() + "/config"));
            assertThat(page.locator("#config")).not().isEmpty();
            ObjectNode doc = (ObjectNode) JSON.readTree(page.locator("#config").inputValue());
            assertThat(doc.toString()).doesNotContain(HA_SECRET).contains(SecretMask.MASK);
            ((ObjectNode) doc.get("Dhcp4")).put("valid-lifetime", 4321);
            page.locator("#config").fill(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Check and preview")).click();
            assertThat(page.locator("pre.diff[data-server=server1]")).containsText("4321");
            assertThat(page.content()).doesNotContain(HA_SECRET);
            page.getByLabel("Comment for the change history").fill("leases, not passwords");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Apply to server1")).click();
            assertThat(page.locator("#kea-config .ok")).containsText("Applied to server1 (change #",
                    new LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
            assertThat(page.content()).doesNotContain(HA_SECRET);

            JsonNode now = haConfig();
            assertThat(now.path("Dhcp4").path("valid-lifetime").asInt()).isEqualTo(4321);
            int peers = 0;
            for (JsonNode lib : now.path("Dhcp4").path("hooks-libraries")) {
                for (JsonNode ha : lib.path("parameters").path("high-availability")) {
                    for (JsonNode peer : ha.path("peers")) {
                        assertThat(peer.path("basic-auth-password").asText()).as("server1 keeps the real password").isEqualTo(HA_SECRET);
                        peers++;
                    }
                }
            }
            assertThat(peers).isEqualTo(2);
            assertThat(now.toString()).doesNotContain(SecretMask.MASK);

            page.navigate(url("/ui/history"));
            assertThat(page.locator("body")).containsText("leases, not passwords");
            assertThat(page.content()).doesNotContain(HA_SECRET);
        }
    }
}
