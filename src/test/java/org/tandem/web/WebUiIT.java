package org.tandem.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.auth.Actor;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.kea.client.KeaClient;
import org.tandem.lab.KeaLab;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Range;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.store.Database;
import org.tandem.testing.Cleanup;

/**
 * The web application in Debian's Chromium (driven by Playwright, no browser download) against a Central in this JVM
 * wired to a real Kea 2.2 hot-standby pair: sign-in, the scopes grid, scope detail, service management, Kea's
 * configuration editor and HA panel, and the change history, each with an error case. Screenshots go to
 * target/screenshots (copied to docs/screenshots for the README).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebUiIT {

    private static final String PASSWORD = "web-test-password";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SHOTS = Paths.get("target", "screenshots");

    private static KeaLab lab;
    private static Central central;
    private static Playwright playwright;
    private static Browser browser;
    private static DhcpServer kea1;
    private static DhcpServer kea2;
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private BrowserContext context;
    private Page page;

    @BeforeAll
    static void start() throws Exception {
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.HOT_STANDBY));
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("web-" + UUID.randomUUID()),
                CentralConfig.defaults(), Clock.systemUTC(), List.of(new WebUi()), PASSWORD));
        kea1 = addKea(lab.node(0));
        kea2 = addKea(lab.node(1));
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get("/usr/bin/chromium"))
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run")));
        Files.createDirectories(SHOTS);
    }

    private static DhcpServer addKea(KeaLab.Node n) {
        return central.servers().add(Actor.SYSTEM, null, "server", new ServerService.NewServer(n.name(), "Kea",
                n.agentUrl().getHost(), (long) n.agentUrl().getPort(), null, null, null, false));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(browser, playwright, central, lab);
    }

    @BeforeEach
    void openContext() {
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 860));
        context.setDefaultTimeout(20_000);
        page = context.newPage();
        // Chromium reports every Content-Security-Policy refusal on the console; a page that needs something the
        // policy forbids (an inline script or style, a foreign source) fails the test that showed it.
        violations.clear();
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) {
                violations.add(m.text());
            }
        });
    }

    @AfterEach
    void closeContext() {
        context.close();
        assertThat(violations).as("CSP violations in Chromium's console").isEmpty();
    }

    @Test
    @Order(99)
    void contentSecurityPolicy_inlineScriptIsRefusedAndReported() {
        signIn();
        assertThat(page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
                + " document.body.appendChild(s); return window.injected === 1; }")).isEqualTo(false);
        assertThat(violations).as("the console listener sees a violation").isNotEmpty();
        violations.clear();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + central.port() + path;
    }

    private void signIn() {
        page.navigate(url("/login"));
        page.getByLabel("User name").fill("administrator");
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("#signed-in")).hasText("administrator");
    }

    private void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
    }

    private static JsonNode keaConfig(KeaLab.Node n) {
        return new KeaClient(n.name(), n.agentEndpoint()).ok("config-get", null, false).arguments();
    }

    private static void poll(String what, BooleanSupplier condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    // ---------------------------------------------------------------- sign-in and CSRF

    @Test
    @Order(1)
    void signIn_wrongPasswordThenRight_showsErrorThenUserInHeaderAndSignsOut() {
        page.navigate(url("/ui/scopes"));
        assertThat(page).hasURL(url("/login"));
        page.getByLabel("User name").fill("administrator");
        page.getByLabel("Password").fill("not-the-password");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.getByRole(AriaRole.ALERT)).isVisible();
        assertThat(page.getByLabel("User name")).hasValue("administrator");
        shot("login-error");
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("#signed-in")).hasText("administrator");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
        assertThat(page).hasURL(url("/login"));
        page.navigate(url("/ui/history"));
        assertThat(page).hasURL(url("/login"));
    }

    @Test
    @Order(2)
    void post_withoutCsrfToken_isRefusedAndChangesNothing() {
        signIn();
        long before = central.scopes().ranges(org.tandem.store.ListQuery.all()).totalResults();
        var answer = context.request().post(url("/ui/scopes/new"), RequestOptions.create().setForm(FormData.create()
                .set("step", "apply").set("name", "csrf-probe").set("subnet", "198.51.100.0/24").set("server", kea1.ref())));
        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.text()).contains("security token");
        assertThat(central.scopes().ranges(org.tandem.store.ListQuery.all()).totalResults()).isEqualTo(before);
    }

    // ---------------------------------------------------------------- IPAM

    @Test
    @Order(3)
    void scopesGrid_pagingSortingFilterAndCreateScope_withSubnetErrorShownAtTheField() {
        ScopeService scopes = central.scopes();
        for (int i = 0; i < 27; i++) {
            Range r = scopes.addRange(Actor.SYSTEM, null, "range", new ScopeService.NewRange("net-" + i, "10.20." + i + ".0/24", null, null, null));
            scopes.addScope(Actor.SYSTEM, null, "scope", new ScopeService.NewScope(r.ref(), i % 2 == 0 ? kea1.ref() : kea2.ref(), "net-" + i, null, true));
        }
        signIn();
        page.navigate(url("/ui/scopes"));
        assertThat(page.locator(".pager")).containsText("27 scopes · page 1 of 2");
        assertThat(page.locator("table.grid tbody tr")).hasCount(25);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Next")).click();
        assertThat(page.locator("table.grid tbody tr")).hasCount(2);
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Subnet")).click();
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Subnet")).click();
        assertThat(page.locator("table.grid th[aria-sort=descending]")).hasText("Subnet");
        assertThat(page.locator("table.grid tbody tr").first()).containsText("10.20.26.0/24");
        page.getByLabel("Filter").fill("net-13");
        assertThat(page.locator("table.grid tbody tr")).hasCount(1);
        assertThat(page.locator("table.grid tbody tr").first()).containsText("server2");
        page.getByLabel("Filter").fill("");
        assertThat(page.locator(".pager")).containsText("27 scopes");
        page.navigate(url("/ui/scopes"));
        shot("ipam-scopes");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create scope")).click();
        Locator dialog = page.locator("dialog[open]");
        dialog.getByLabel("Name").fill("office");
        dialog.getByLabel("Subnet (CIDR)").fill("10.30.0.0/33");
        dialog.getByLabel("First pool address (optional)").fill("10.30.0.10");
        dialog.getByLabel("Last pool address (optional)").fill("10.30.0.50");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
        assertThat(page.locator("dialog[open] #f-subnet-err")).isVisible();
        shot("create-scope-error");
        page.locator("dialog[open]").getByLabel("Subnet (CIDR)").fill("10.30.0.0/24");
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
        assertThat(page.locator("dialog[open] [role=tab][aria-selected=true]")).hasText("Summary");
        assertThat(page.locator("dialog[open] dl.summary")).containsText("10.30.0.0/24");
        // The Summary is a dry run of AddDHCPScope: the server's diff, and nothing written yet.
        assertThat(page.locator("dialog[open] pre.diff").first()).containsText("10.30.0.0/24");
        assertThat(page.locator("dialog[open] pre.diff").first()).containsText("10.30.0.10");
        assertThat(keaConfig(lab.node(0)).toString()).doesNotContain("10.30.0.0/24");
        shot("create-scope-summary");
        page.locator("dialog[open]").getByLabel("Comment for the change history").fill("new office subnet");
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create")).click();
        page.getByLabel("Filter").fill("office");
        assertThat(page.locator("tr[data-scope=office]")).containsText("10.30.0.0/24");
        DhcpScope office = central.scopes().scopes(org.tandem.store.ListQuery.filtered("name=office")).items().get(0);
        assertThat(central.scopes().blocks(AddressBlock.Kind.POOL, "scope", office.ref(), org.tandem.store.ListQuery.all()).items())
                .extracting(b -> b.addresses().toString()).containsExactly("10.30.0.10-10.30.0.50");
    }

    @Test
    @Order(4)
    void actionMenu_withNoRowSelected_saysToSelectAScope() {
        signIn();
        page.navigate(url("/ui/scopes"));
        page.locator("#action-menu summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add scope to failover")).click();
        assertThat(page.locator("dialog[open]")).containsText("Select a scope in the grid first");
        page.keyboard().press("Escape");
        assertThat(page.locator("dialog[open]")).hasCount(0);
    }

    @Test
    @Order(5)
    void scopeDetail_addPool_outsideSubnetIsRefusedThenAddedWithFailoverShownReadOnly() {
        signIn();
        page.navigate(url("/ui/scopes?filter=office"));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("office")).click();
        assertThat(page.locator("h1")).containsText("Scope office");
        // Addressed by the ref of one of the scope's instances (one per HA peer), as the API names it.
        assertThat(page).hasURL(java.util.regex.Pattern.compile("/ui/scopes/dhcpScopes/\\d+$"));
        assertThat(central.scopes().scopes(org.tandem.store.ListQuery.filtered("name=office")).items()).extracting(DhcpScope::ref)
                .contains(page.url().substring(page.url().indexOf("/ui/scopes/") + "/ui/scopes/".length()));
        assertThat(page.locator("tr[data-pool]")).hasCount(1);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add pool")).click();
        Locator dialog = page.locator("dialog[open]");
        assertThat(dialog.locator("output#f-failover")).hasText("None");
        dialog.getByLabel("First address").fill("10.30.0.100");
        dialog.getByLabel("Last address").fill("10.30.1.20");
        // The summary is a dry run of the write (each server's diff), so the refusal shows there already.
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
        assertThat(page.locator("dialog[open] .error")).containsText("outside");
        page.locator("dialog[open]").getByLabel("Last address").fill("10.30.0.120");
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add pool")).click();
        assertThat(page.locator("tr[data-pool]")).hasCount(2);
        assertThat(page.locator("tr[data-pool='10.30.0.100-10.30.0.120']")).isVisible();
        shot("scope-detail");

        // Edit: a range outside the subnet is refused and the old pool stays; a good one replaces it.
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Edit pool 10.30.0.100-10.30.0.120")).click();
        assertThat(page.locator("dialog[open] output#f-failover")).hasText("None");
        page.locator("dialog[open]").getByLabel("Last address").fill("10.31.0.1");
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("dialog[open] .error")).containsText("outside");
        page.keyboard().press("Escape");
        page.reload();
        assertThat(page.locator("tr[data-pool='10.30.0.100-10.30.0.120']")).isVisible();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Edit pool 10.30.0.100-10.30.0.120")).click();
        page.locator("dialog[open]").getByLabel("Last address").fill("10.30.0.150");
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("tr[data-pool='10.30.0.100-10.30.0.150']")).isVisible();
        assertThat(page.locator("tr[data-pool]")).hasCount(2);
    }

    @Test
    @Order(6)
    void scopeDetail_reservations_outsideSubnetAndBadMacShownAtTheField_thenAddedAndRemovedOnTheServer() throws Exception {
        signIn();
        page.navigate(url("/ui/scopes?filter=office"));
        page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("office")).click();
        assertThat(page.locator("table[aria-label=Reservations]")).containsText("No reservations");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add reservation")).click();
        Locator dialog = page.locator("dialog[open]");
        dialog.getByLabel("Name").fill("printer");
        dialog.getByLabel("IP address").fill("10.31.0.5");
        dialog.getByLabel("MAC address").fill("00:11:22:33:44:5");
        // Enter in a field sends the form to the Summary step, as the "Next: summary" button does.
        dialog.getByLabel("MAC address").press("Enter");
        assertThat(page.locator("dialog[open] #f-clientIdentifier-err")).containsText("MAC address");
        page.locator("dialog[open]").getByLabel("MAC address").fill("00:11:22:33:44:55");
        page.locator("dialog[open]").getByLabel("MAC address").press("Enter");
        assertThat(page.locator("dialog[open] #f-addresses-err")).containsText("outside");
        assertThat(page.locator("dialog[open] #f-addresses")).hasAttribute("aria-invalid", "true");
        assertThat(keaConfig(lab.node(0)).toString()).doesNotContain("00:11:22:33:44:55");

        page.locator("dialog[open]").getByLabel("IP address").fill("10.30.0.200");
        page.locator("dialog[open]").getByLabel("IP address").press("Enter");
        Locator diff = page.locator("dialog[open] pre.diff").first();
        assertThat(diff).containsText("00:11:22:33:44:55");
        assertThat(diff).containsText("10.30.0.200");
        shot("add-reservation-summary");
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add reservation")).click();
        Locator row = page.locator("tr[data-reservation='10.30.0.200']");
        assertThat(row).containsText("printer");
        assertThat(row).containsText("00:11:22:33:44:55");
        poll("the reservation on " + lab.node(0).name(), () -> keaConfig(lab.node(0)).toString().contains("\"hw-address\":\"00:11:22:33:44:55\""));
        shot("scope-reservations");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove reservation printer")).click();
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
        assertThat(page.locator("dialog[open] pre.diff").first()).containsText("00:11:22:33:44:55");
        page.locator("dialog[open]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove reservation")).click();
        assertThat(page.locator("tr[data-reservation]")).hasCount(0);
        poll("the reservation gone from " + lab.node(0).name(), () -> !keaConfig(lab.node(0)).toString().contains("00:11:22:33:44:55"));
    }

    // ---------------------------------------------------------------- service management

    @Test
    @Order(7)
    void serviceManagement_groupsKeaServers_andFailoverWindowOpensFromTheRowMenuAndTheActionMenu() {
        signIn();
        page.navigate(url("/ui/admin/services"));
        Locator keaGroup = page.locator("section#grp-Kea");
        assertThat(keaGroup.locator("tr[data-server]")).hasCount(2);
        assertThat(page.locator("section#grp-ISC-DHCP")).containsText("No ISC DHCP servers registered");
        shot("service-management");
        keaGroup.locator("tr[data-server=server1] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Failover management")).click();
        assertThat(page.locator("h1")).containsText("Failover management · server1");

        // Seed 001: select the server, then Action › Failover management; with nothing selected the menu says so.
        page.navigate(url("/ui/admin/services"));
        page.locator("#action-menu summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Failover management")).click();
        assertThat(page.locator("dialog[open]")).containsText("Select a server in the list first");
        page.keyboard().press("Escape");
        keaGroup.locator("tr[data-server=server2] input[name=sel]").check();
        page.locator("#action-menu summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Failover management")).click();
        page.waitForURL(url("/ui/admin/services/" + kea2.id() + "/failover"));
        assertThat(page.locator("h1")).containsText("Failover management · server2");
        page.navigate(url("/ui/admin/services"));
        page.locator("section#grp-Kea tr[data-server=server1] input[name=sel]").check();
        page.locator("#action-menu summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Failover management")).click();
        assertThat(page.locator("h1")).containsText("Failover management · server1");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add Relationship")).click();
        Locator dialog = page.locator("dialog[open]");
        assertThat(dialog.getByLabel("Partner server")).containsText("server2");
        assertThat(dialog.getByLabel("Heartbeat delay (ms)")).hasValue("10000");
        dialog.getByLabel("Failover name").fill("pair-a");
        dialog.getByLabel("Partner server").selectOption("server2");
        // ISC-only fields stay off the Kea form.
        for (String iscOnly : List.of("Maximum client lead time (s)", "Port", "Percentage", "Load balance max seconds", "Max unacked updates")) {
            assertThat(dialog.getByLabel(iscOnly, new Locator.GetByLabelOptions().setExact(true))).hasCount(0);
        }
        dialog.getByLabel("Heartbeat delay (ms)").fill("70000");
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
        assertThat(page.locator("dialog[open] #f-heartbeatDelay-err")).containsText("from 1 to 65535");
        shot("add-relationship-error");
    }

    // ---------------------------------------------------------------- Kea configuration

    private void openEditor() {
        page.navigate(url("/ui/kea/" + kea1.id() + "/config"));
        assertThat(page.locator("#config")).not().isEmpty();
    }

    private void setEditorConfig(java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(page.locator("#config").inputValue());
        change.accept((ObjectNode) doc.get("Dhcp4"));
        page.locator("#config").fill(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    }

    @Test
    @Order(8)
    void keaEditConfiguration_invalidJsonThenRefusedValueThenPreviewAndApply_changesTheServer() throws Exception {
        signIn();
        openEditor();
        shot("kea-edit-configuration");
        page.locator("#config").fill("{\"Dhcp4\": {\n  \"valid-lifetime\": ,\n}}");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Check and preview")).click();
        assertThat(page.locator("#config-error")).containsText("not valid JSON (line 2)");

        openEditor();
        setEditorConfig(d -> d.put("valid-lifetime", "a long time"));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Check and preview")).click();
        assertThat(page.locator("#config-error")).isVisible();
        assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Apply to server1"))).hasCount(0);
        assertThat(keaConfig(lab.node(0)).path("Dhcp4").path("valid-lifetime").asInt()).isEqualTo(600);

        openEditor();
        setEditorConfig(d -> d.put("valid-lifetime", 5400));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Check and preview")).click();
        assertThat(page.locator("pre.diff[data-server=server1]")).containsText("5400");
        shot("kea-config-diff");
        page.getByLabel("Comment for the change history").fill("longer leases");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Apply to server1")).click();
        assertThat(page.locator("#kea-config .ok")).containsText("Applied to server1 (change #", new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(60_000));
        assertThat(keaConfig(lab.node(0)).path("Dhcp4").path("valid-lifetime").asInt()).isEqualTo(5400);
        assertThat(Files.readString(lab.node(0).configFile())).contains("5400");
    }

    @Test
    @Order(9)
    void keaEditConfiguration_serverChangedSinceOpened_isRefusedWithAClearMessage() throws Exception {
        signIn();
        openEditor();
        // Someone changes the server outside Tandem (a config-set, as after an external config-reload).
        KeaClient direct = new KeaClient("server1", lab.node(0).agentEndpoint());
        ObjectNode live = (ObjectNode) direct.ok("config-get", null, false).arguments().deepCopy();
        ((ObjectNode) live.get("Dhcp4")).put("renew-timer", 310);
        live.remove("hash");
        direct.ok("config-set", live, false);
        setEditorConfig(d -> d.put("rebind-timer", 520));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Check and preview")).click();
        assertThat(page.locator("#config-error")).containsText("changed since you opened the editor");
        shot("kea-config-conflict");
        assertThat(keaConfig(lab.node(0)).path("Dhcp4").path("rebind-timer").asInt()).isEqualTo(500);
    }

    // ---------------------------------------------------------------- Kea HA panel

    @Test
    @Order(10)
    void haPanel_showsBothPeers_syncAndMaintenanceStartCancel_andRefusesABadScopeName() throws Exception {
        signIn();
        page.navigate(url("/ui/kea/" + kea1.id() + "/ha"));
        Locator p1 = page.locator("section[data-peer=server1]");
        Locator p2 = page.locator("section[data-peer=server2]");
        for (int i = 0; i < 60 && !p1.locator("h2 .state").innerText().equals("hot-standby"); i++) {
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Refresh")).click();
            page.waitForTimeout(500);
        }
        assertThat(p1.locator("h2 .state")).hasText("hot-standby");
        assertThat(p1.locator("dd.scopes")).hasText("server1");
        assertThat(p2.locator("dd.scopes")).hasText("none");
        shot("kea-ha-panel");

        p2.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Sync leases")).click();
        assertThat(page.locator("#ha .ok")).containsText("server2:", new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions().setTimeout(60_000));

        page.locator("section[data-peer=server2]").getByLabel("Scopes").fill("server1; drop table");
        page.locator("section[data-peer=server2]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Set scopes")).click();
        assertThat(page.locator("#ha .error")).containsText("is not a server name");

        page.locator("section[data-peer=server2]").getByLabel("Comment").fill("panel maintenance");
        page.locator("section[data-peer=server2]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Start maintenance")).click();
        assertThat(page.locator("#ha .ok")).containsText("server2:");
        KeaClient s1 = new KeaClient("server1", lab.node(0).agentEndpoint());
        poll("server1 in-maintenance", () -> s1.ok("status-get", null, false).arguments().path("high-availability").get(0)
                .path("ha-servers").path("local").path("state").asText().equals("in-maintenance"));
        page.locator("section[data-peer=server2]").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel maintenance")).click();
        assertThat(page.locator("#ha .ok")).containsText("server2:");
        poll("server1 back in hot-standby", () -> s1.ok("status-get", null, false).arguments().path("high-availability").get(0)
                .path("ha-servers").path("local").path("state").asText().equals("hot-standby"));
        // The panel goes through the same service as the API: each action is in the change history, with its comment.
        var actions = central.changeLog().history(org.tandem.store.ListQuery.all()).items().stream()
                .filter(e -> e.objectType().equals(org.tandem.kea.ha.KeaHaService.OBJ_TYPE)).toList();
        org.assertj.core.api.Assertions.assertThat(actions).extracting(e -> e.afterJson().replaceAll(".*\"command\":\"([^\"]+)\".*", "$1"))
                .containsExactlyInAnyOrder("ha-sync", "ha-maintenance-start", "ha-maintenance-cancel");
        org.assertj.core.api.Assertions.assertThat(actions).filteredOn(e -> e.afterJson().contains("\"ha-maintenance-start\""))
                .extracting(e -> e.saveComment()).containsExactly("panel maintenance");
        org.assertj.core.api.Assertions.assertThat(actions).allMatch(e -> e.userName().equals("administrator")
                && e.objectRef().equals(DhcpServer.RESOURCE + "/" + kea2.id()));
    }

    // ---------------------------------------------------------------- history and narrow window

    @Test
    @Order(11)
    void changeHistory_showsWhoWhatWhenCommentAndTheServersDiff() {
        signIn();
        page.navigate(url("/ui/history"));
        Locator row = page.locator("tr[data-change]").filter(new Locator.FilterOptions().setHasText("longer leases"));
        assertThat(row).hasCount(1);
        assertThat(row).containsText("administrator");
        assertThat(row).containsText("DHCPServerConfiguration");
        row.getByText("Show diff").click();
        assertThat(row.locator("pre.diff")).containsText("5400");
        shot("change-history");
    }

    @Test
    @Order(12)
    void narrowWindow_scopesGridStaysUsableByKeyboard() {
        context.close();
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(420, 860));
        page = context.newPage();
        signIn();
        page.navigate(url("/ui/scopes"));
        page.keyboard().press("Tab");
        page.keyboard().press("Enter");
        assertThat(page.locator("#main")).isFocused();
        page.locator("tr[data-scope=net-0] summary").focus();
        page.keyboard().press("Enter");
        page.keyboard().press("Tab");
        page.keyboard().press("Enter");
        assertThat(page.locator("dialog[open]")).isVisible();
        page.keyboard().press("Escape");
        shot("ipam-scopes-narrow");
    }
}
