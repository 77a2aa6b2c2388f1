package org.tandem.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.SelectOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.tandem.agent.AgentClient;
import org.tandem.auth.Actor;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.lab.DhcpdLab;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.Range;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.store.Database;
import org.tandem.testing.Cleanup;
import org.tandem.testing.RealServers;

/**
 * The ISC DHCP failover workflows of seeds 000 and 001 in Chromium, from the click to the dhcpd.conf of a real dhcpd
 * 4.4 pair (DhcpdLab: network namespaces, one Tandem agent per server): Add Relationship with its Summary, add a scope
 * to failover (and the no-pool refusal), the pool's Failover column, remove from failover, remove the relationship.
 * Ordered: each step builds on the last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebFailoverIT {

    private static final String PASSWORD = "web-failover-password";
    private static final String BRANCH = "198.18.77";
    private static final Path SHOTS = Paths.get("target", "screenshots");
    private static final LocatorAssertions.ContainsTextOptions SLOW = new LocatorAssertions.ContainsTextOptions().setTimeout(60_000);

    private static DhcpdLab lab;
    private static Central central;
    private static Playwright playwright;
    private static Browser browser;
    private static DhcpServer a;
    private static DhcpServer b;
    private static long rangeId;
    private static String scopeRef;
    private final List<String> violations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private BrowserContext context;
    private Page page;

    @BeforeAll
    static void start() throws Exception {
        RealServers.assumeDhcpd();
        lab = DhcpdLab.start();
        // The failover scope is a subnet of its own: deleting the secondary's scope must leave dhcpd the subnet of the
        // interface it listens on, or it would not start.
        String withPool = lab.baseConfig() + "subnet " + BRANCH + ".0 netmask 255.255.255.0 {\n  pool {\n    range "
                + BRANCH + ".100 " + BRANCH + ".150;\n  }\n}\n";
        for (DhcpdLab.Server s : lab.servers()) {
            new AgentClient(s.agentUri(), s.agentToken()).writeConfig(withPool, null);
        }
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("webfo-" + UUID.randomUUID()),
                CentralConfig.defaults(), Clock.systemUTC(), List.of(new WebUi()), PASSWORD));
        a = addIsc("dhcpd-a", lab.primary());
        b = addIsc("dhcpd-b", lab.secondary());
        ScopeService scopes = central.scopes();
        Range lan = scopes.addRange(Actor.SYSTEM, null, "range", new ScopeService.NewRange("lab-lan", BRANCH + ".0/24", null, null, null));
        rangeId = lan.id();
        var scope = scopes.addScope(Actor.SYSTEM, null, "scope", new ScopeService.NewScope(lan.ref(), a.ref(), "lab-lan", null, true));
        scopeRef = scope.ref();
        scopes.addBlock(Actor.SYSTEM, null, AddressBlock.Kind.POOL, "scope", scope.ref(), "pool", BRANCH + ".100", BRANCH + ".150");
        Range bare = scopes.addRange(Actor.SYSTEM, null, "range", new ScopeService.NewRange("no-pool", "198.18.250.0/24", null, null, null));
        scopes.addScope(Actor.SYSTEM, null, "scope", new ScopeService.NewScope(bare.ref(), a.ref(), "no-pool", null, true));
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get("/usr/bin/chromium"))
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run")));
        Files.createDirectories(SHOTS);
    }

    private static DhcpServer addIsc(String name, DhcpdLab.Server s) {
        return central.servers().add(Actor.SYSTEM, null, "server", new ServerService.NewServer(name, "ISC", s.agentUri().getHost(),
                (long) s.agentUri().getPort(), s.agentToken(), null, null, null));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(browser, playwright, central, lab);
    }

    @BeforeEach
    void openContext() {
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 860));
        context.setDefaultTimeout(30_000);
        page = context.newPage();
        // Any Content-Security-Policy refusal Chromium reports fails the test that showed it (as in WebUiIT).
        violations.clear();
        page.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) {
                violations.add(m.text());
            }
        });
        page.navigate(url("/login"));
        page.getByLabel("User name").fill("administrator");
        page.getByLabel("Password").fill(PASSWORD);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("#signed-in")).hasText("administrator");
    }

    @AfterEach
    void closeContext() {
        context.close();
        assertThat(violations).as("CSP violations in Chromium's console").isEmpty();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + central.port() + path;
    }

    private void shot(String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve(name + ".png")).setFullPage(true));
    }

    private static String config(DhcpdLab.Server s) {
        return new AgentClient(s.agentUri(), s.agentToken()).readConfig().content();
    }

    private Locator dialog() {
        return page.locator("dialog[open]");
    }

    /** Fills the Add reservation dialog and goes to its Summary (or back to the fields with an error). */
    private void addReservation(String name, String address, String mac) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add reservation")).click();
        dialog().getByLabel("Name").fill(name);
        dialog().getByLabel("IP address").fill(address);
        dialog().getByLabel("MAC address").fill(mac);
        next();
    }

    private void next() {
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Next: summary")).click();
    }

    private void addRelationshipDialog(String name) {
        page.navigate(url("/ui/admin/services"));
        page.locator("tr[data-server=dhcpd-a] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Failover management")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add Relationship")).click();
        dialog().getByLabel("Failover name").fill(name);
        dialog().getByLabel("Partner server").selectOption("dhcpd-b");
        dialog().getByLabel("This server's failover address").fill(lab.primary().address());
        dialog().getByLabel("Partner's failover address").fill(lab.secondary().address());
        dialog().getByLabel("Maximum client lead time (s)").fill("60");
    }

    @Test
    @Order(1)
    void addRelationship_summaryThenAdd_listsItEmpty_andASecondWithTheSameNameIsRefused() {
        addRelationshipDialog("fo-lab");
        shot("isc-add-relationship");
        next();
        assertThat(dialog().locator("[role=tab][aria-selected=true]")).hasText("Summary");
        assertThat(dialog().locator("dl.summary")).containsText("dhcpd-b");
        assertThat(dialog().locator("dl.summary")).containsText("60");
        shot("isc-add-relationship-summary");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add").setExact(true)).click();
        assertThat(page.locator("tr[data-relationship=fo-lab]")).containsText("Empty");
        shot("isc-failover-management");
        assertThat(config(lab.primary())).doesNotContain("failover peer");

        addRelationshipDialog("fo-lab");
        next();
        assertThat(dialog().locator(".error")).containsText("already exists");
    }

    @Test
    @Order(2)
    void addScopeToFailover_scopeWithoutPoolIsRefused_thenScopeWithPoolWritesBothServers() {
        page.navigate(url("/ui/scopes?filter=no-pool"));
        page.locator("tr[data-scope=no-pool] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add scope to failover")).click();
        dialog().getByLabel("Failover relationship").selectOption("fo-lab");
        next();
        assertThat(dialog().locator(".error")).containsText("no address pool");
        page.keyboard().press("Escape");

        page.navigate(url("/ui/scopes?filter=lab-lan"));
        page.locator("input[name=sel]").first().check();
        page.locator("#action-menu summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add scope to failover")).click();
        dialog().getByLabel("Failover relationship").selectOption("fo-lab");
        next();
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-a]")).containsText("failover peer");
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-b]")).containsText("failover peer");
        shot("isc-add-scope-to-failover-diff");
        dialog().getByLabel("Comment for the change history").fill("protect the lab LAN");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Confirm")).click();
        Locator row = page.locator("tr[data-scope=lab-lan]");
        assertThat(row).containsText("fo-lab", SLOW);
        assertThat(row).containsText("Failover");
        assertThat(row).containsText("dhcpd-a ⇄ dhcpd-b");
        assertThat(row).containsText("Normal");
        shot("isc-ipam-failover");
        assertThat(config(lab.primary())).contains("failover peer \"fo-lab\"");
        assertThat(config(lab.secondary())).contains("failover peer \"fo-lab\"");
    }

    @Test
    @Order(3)
    void scopeDetail_isAddressedByTheScopeRef_oldNumericUrlRedirects_poolShowsTheRelationship_readOnlyInTheAddPoolDialog() {
        page.navigate(url("/ui/scopes?filter=lab-lan"));
        assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("lab-lan").setExact(true)))
                .hasAttribute("href", "/ui/scopes/" + scopeRef);
        assertThat(scopeRef).matches("dhcpScopes/\\d+");
        // The page's address before scope refs was the range id: such a link lands on the scope's page.
        page.navigate(url("/ui/scopes/" + rangeId));
        assertThat(page).hasURL(url("/ui/scopes/" + scopeRef));
        assertThat(page.locator("h1")).containsText("Scope lab-lan");
        Locator pool = page.locator("tr[data-pool]").first();
        assertThat(pool).containsText("fo-lab");
        assertThat(pool).containsText("dhcpd-a (primary), dhcpd-b (secondary)");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add pool")).click();
        assertThat(dialog().locator("output#f-failover")).containsText("fo-lab (dhcpd-a ⇄ dhcpd-b)");
        assertThat(dialog().locator("input[name=failover]")).hasCount(0);
        shot("isc-scope-pools-failover");
    }

    @Test
    @Order(4)
    void editRelationship_maxResponseDelay_showsBothServersDiffThenWritesThem() {
        page.navigate(url("/ui/admin/services/" + a.id() + "/failover"));
        page.locator("tr[data-relationship=fo-lab] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Edit")).click();
        dialog().getByLabel("Max response delay (s)").fill("0");
        next();
        assertThat(dialog().locator("#f-maxResponseDelay-err")).containsText("from 1 to 3600");
        dialog().getByLabel("Max response delay (s)").fill("33");
        next();
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-a]")).containsText("max-response-delay 33");
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-b]")).containsText("max-response-delay 33");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        assertThat(page.locator("tr[data-relationship=fo-lab]")).containsText("max response delay 33 s", SLOW);
        assertThat(config(lab.primary())).contains("max-response-delay 33");
        assertThat(config(lab.secondary())).contains("max-response-delay 33");
    }

    @Test
    @Order(5)
    void scopeDetail_reservationInAFailoverScope_isWrittenToBothServers_duplicateAddressShownAtTheField_thenRemoved() {
        page.navigate(url("/ui/scopes/" + scopeRef));
        addReservation("printer", BRANCH + ".20", "00:11:22:33:44:66");
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-a]")).containsText("hardware ethernet 00:11:22:33:44:66");
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-b]")).containsText("hardware ethernet 00:11:22:33:44:66");
        shot("isc-add-reservation-summary");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add reservation")).click();
        assertThat(page.locator("tr[data-reservation='" + BRANCH + ".20']")).containsText("printer", SLOW);
        assertThat(config(lab.primary())).contains("hardware ethernet 00:11:22:33:44:66");
        assertThat(config(lab.secondary())).contains("hardware ethernet 00:11:22:33:44:66");

        addReservation("scanner", BRANCH + ".20", "00:11:22:33:44:77");
        assertThat(dialog().locator("#f-addresses-err")).containsText("same address");
        assertThat(config(lab.primary())).doesNotContain("00:11:22:33:44:77");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel")).click();

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove reservation printer")).click();
        next();
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-a]")).containsText("00:11:22:33:44:66");
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-b]")).containsText("00:11:22:33:44:66");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove reservation")).click();
        assertThat(page.locator("tr[data-reservation]")).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(60_000));
        assertThat(config(lab.primary())).doesNotContain("00:11:22:33:44:66");
        assertThat(config(lab.secondary())).doesNotContain("00:11:22:33:44:66");
    }

    @Test
    @Order(6)
    void removeFromFailover_deleteSecondary_clearsThePeerFromBothServers() {
        page.navigate(url("/ui/scopes?filter=lab-lan"));
        page.locator("tr[data-scope=lab-lan] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Remove from failover")).click();
        dialog().getByLabel("Delete the secondary scope").check();
        next();
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-a]")).containsText("failover peer");
        shot("isc-remove-from-failover");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove from failover")).click();
        page.waitForURL(url("/ui/scopes"), new Page.WaitForURLOptions().setTimeout(60_000));
        assertThat(page.locator("tr[data-scope=lab-lan]")).not().containsText("fo-lab");
        assertThat(config(lab.primary())).doesNotContain("failover peer \"fo-lab\"");
        assertThat(config(lab.secondary())).doesNotContain("failover peer \"fo-lab\"");
    }

    @Test
    @Order(7)
    void manageScopeInstances_primaryInstanceIsRefused_secondaryInstanceRemovalLeavesFailover() {
        page.navigate(url("/ui/scopes?filter=lab-lan"));
        page.locator("tr[data-scope=lab-lan] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add scope to failover")).click();
        dialog().getByLabel("Failover relationship").selectOption("fo-lab");
        next();
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Confirm")).click();
        assertThat(page.locator("tr[data-scope=lab-lan]")).containsText("fo-lab", SLOW);
        assertThat(page.locator("tr[data-scope=lab-lan]")).containsText("dhcpd-a, dhcpd-b");

        page.locator("tr[data-scope=lab-lan] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Manage scope instances")).click();
        Locator primary = dialog().locator("fieldset").filter(new Locator.FilterOptions().setHasText("On dhcpd-a"));
        primary.getByLabel("Remove scope instance").check();
        next();
        assertThat(dialog().locator(".error")).containsText("remove the scope from the relationship first");
        dialog().locator("fieldset").filter(new Locator.FilterOptions().setHasText("On dhcpd-a")).getByLabel("Keep").check();
        dialog().locator("fieldset").filter(new Locator.FilterOptions().setHasText("On dhcpd-b")).getByLabel("Remove scope instance").check();
        next();
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-b]")).containsText(BRANCH);
        shot("isc-manage-scope-instances");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Save")).click();
        // The page was already at /ui/scopes: wait for the write to finish (the dialog goes with the redirect).
        assertThat(dialog()).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(60_000));
        assertThat(config(lab.secondary())).doesNotContain("subnet " + BRANCH + ".0");
        assertThat(config(lab.primary())).doesNotContain("failover peer \"fo-lab\"");
        assertThat(page.locator("tr[data-scope=lab-lan]")).not().containsText("fo-lab");
    }

    @Test
    @Order(8)
    void createScope_withTheRelationshipChosen_needsAPool_thenIsOnBothServersWithThePeer() {
        page.navigate(url("/ui/scopes"));
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create scope")).click();
        dialog().getByLabel("Name").fill("branch-2");
        dialog().getByLabel("Subnet (CIDR)").fill("198.18.78.0/24");
        dialog().getByLabel("Server").selectOption(new SelectOption().setLabel("dhcpd-a (ISC)"));
        dialog().getByLabel("Failover relationship").selectOption("fo-lab");
        next();
        assertThat(dialog().locator("#f-poolFrom-err")).containsText("Give the scope a pool");
        dialog().getByLabel("First pool address (optional)").fill("198.18.78.10");
        dialog().getByLabel("Last pool address (optional)").fill("198.18.78.50");
        next();
        assertThat(dialog().locator("[role=tab][aria-selected=true]")).hasText("Summary");
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-a]")).containsText("198.18.78.10");
        assertThat(dialog()).containsText("then the scope is added to failover relationship fo-lab");
        assertThat(config(lab.primary())).doesNotContain("198.18.78.0");
        shot("isc-create-scope-in-failover");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create").setExact(true)).click();
        page.getByLabel("Filter").fill("branch-2");
        assertThat(page.locator("tr[data-scope=branch-2]")).containsText("fo-lab", SLOW);
        for (DhcpdLab.Server s : lab.servers()) {
            String conf = config(s);
            assertThat(conf).contains("subnet 198.18.78.0 netmask 255.255.255.0");
            assertThat(conf.substring(conf.indexOf("subnet 198.18.78.0"))).contains("failover peer \"fo-lab\"");
        }
    }

    @Test
    @Order(9)
    void checkAndReplicate_afterAHandEditOfTheSecondary_namesTheScopeShowsTheDiffThenRepairsIt() throws Exception {
        String b = config(lab.secondary());
        assertThat(b).contains("range 198.18.78.10 198.18.78.50;");
        Files.writeString(lab.secondary().conf(), b.replace("range 198.18.78.10 198.18.78.50;", "range 198.18.78.10 198.18.78.60;"));
        page.navigate(url("/ui/admin/services/" + a.id() + "/failover"));
        page.locator("tr[data-relationship=fo-lab] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Check and replicate")).click();
        assertThat(dialog()).containsText("198.18.78.0/24", SLOW);
        assertThat(dialog()).containsText("differs between \"dhcpd-a\" and \"dhcpd-b\"");
        shot("isc-check-drift");
        next();
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-b]")).containsText("range 198.18.78.10 198.18.78.50");
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-a]")).hasCount(0);
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Replicate from primary")).click();
        assertThat(page.locator("dialog[open]")).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(60_000));
        assertThat(config(lab.secondary())).contains("range 198.18.78.10 198.18.78.50;");
        page.locator("tr[data-relationship=fo-lab] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Check and replicate")).click();
        assertThat(dialog()).containsText("None: Central's record and both peers agree", SLOW);
    }

    @Test
    @Order(10)
    void removeRelationship_fromTheRowMenu_preselectsLeavingTheSecondaryScopes_andIsGoneFromTheList() {
        // Issue 17, finding 2: the same removal as a GET (what an <img> on a same-site page sends) only shows the dialog.
        long id = central.failoverRelationships().findByName("fo-lab").orElseThrow().id();
        String before = config(lab.servers().get(0));
        var viaGet = context.request().get(url("/ui/admin/services/" + a.id() + "/failover/" + id
                + "/remove?step=apply&deconfigureAction=Delete"));
        assertThat(viaGet.status()).isEqualTo(200);
        assertThat(central.failoverRelationships().findByName("fo-lab")).isPresent();
        assertThat(config(lab.servers().get(0))).isEqualTo(before);
        page.navigate(url("/ui/admin/services/" + a.id() + "/failover"));
        page.locator("tr[data-relationship=fo-lab] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Remove")).click();
        assertThat(dialog().locator("input[name=deconfigureAction]:checked")).hasAttribute("value", "None");
        assertThat(dialog().getByLabel("Leave the secondary scopes as they are")).isChecked();
        assertThat(dialog().getByLabel("Delete the secondary scopes")).not().isChecked();
        next();
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Remove").setExact(true)).click();
        // branch-2 is still in the relationship: its peer statements leave both servers first (two restarts).
        assertThat(page.locator("tr[data-relationship=fo-lab]")).hasCount(0, new LocatorAssertions.HasCountOptions().setTimeout(60_000));
        assertThat(central.failoverRelationships().findByName("fo-lab")).isEmpty();
        for (DhcpdLab.Server s : lab.servers()) {
            assertThat(config(s)).doesNotContain("failover peer");
        }
    }

    /** The {@code failover peer "name" { ... }} block of a dhcpd.conf, as Tandem writes it (no nested braces). */
    private static String peerBlock(String conf, String name) {
        int start = conf.indexOf("failover peer \"" + name + "\" {");
        assertThat(start).as("failover peer %s in%n%s", name, conf).isNotNegative();
        return conf.substring(start, conf.indexOf('}', start) + 1);
    }

    @Test
    @Order(11)
    void addRelationship_hotStandbyFromTheActionMenu_percentageOutOfRangeAtTheField_thenTheFirstScopeWritesSplit255() {
        page.navigate(url("/ui/admin/services"));
        page.locator("tr[data-server=dhcpd-a] input[name=sel]").check();
        page.locator("#action-menu summary").click();
        shot("isc-service-management-action-menu");
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Failover management")).click();
        page.waitForURL(url("/ui/admin/services/" + a.id() + "/failover"));
        assertThat(page.locator("h1")).containsText("Failover management · dhcpd-a");

        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add Relationship")).click();
        assertThat(dialog().getByLabel("Failover mode").locator("option")).hasText(new String[] {"Load balancing", "Hot standby"});
        dialog().getByLabel("Failover name").fill("fo-hot");
        dialog().getByLabel("Partner server").selectOption("dhcpd-b");
        dialog().getByLabel("This server's failover address").fill(lab.primary().address());
        dialog().getByLabel("Partner's failover address").fill(lab.secondary().address());
        dialog().getByLabel("Maximum client lead time (s)").fill("60");
        assertThat(dialog().getByLabel("Percentage")).hasValue("50");
        dialog().getByLabel("Percentage").fill("150");
        next();
        assertThat(dialog().locator("#f-percentage-err")).containsText("from 0 to 100");
        assertThat(dialog().locator("#f-percentage")).hasAttribute("aria-invalid", "true");
        assertThat(dialog().locator("#dlg-error")).hasCount(0);
        shot("isc-add-relationship-percentage-error");

        // Hot standby: the primary serves every client, so the percentage goes (and its bad value with it).
        dialog().getByLabel("Failover mode").selectOption("HotStandby");
        assertThat(dialog().getByLabel("Percentage")).isHidden();
        next();
        assertThat(dialog().locator("[role=tab][aria-selected=true]")).hasText("Summary");
        assertThat(dialog().locator("dl.summary")).containsText("Hot standby");
        assertThat(dialog().locator("dl.summary")).not().containsText("Percentage");
        shot("isc-add-relationship-hot-standby-summary");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add").setExact(true)).click();
        Locator rel = page.locator("tr[data-relationship=fo-hot]");
        assertThat(rel).containsText("HotStandby");
        assertThat(rel).containsText("Empty");
        assertThat(config(lab.primary())).doesNotContain("failover peer");

        page.navigate(url("/ui/scopes?filter=lab-lan"));
        page.locator("tr[data-scope=lab-lan] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Add scope to failover")).click();
        dialog().getByLabel("Failover relationship").selectOption("fo-hot");
        next();
        assertThat(dialog().locator("pre.diff[data-server=dhcpd-a]")).containsText("split 255;");
        dialog().getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Confirm")).click();
        assertThat(page.locator("tr[data-scope=lab-lan]")).containsText("fo-hot", SLOW);
        String primary = peerBlock(config(lab.primary()), "fo-hot");
        assertThat(primary).contains("primary;", "split 255;", "mclt 60;", "address " + lab.primary().address() + ";",
                "peer address " + lab.secondary().address() + ";").doesNotContain("hba");
        String secondary = peerBlock(config(lab.secondary()), "fo-hot");
        assertThat(secondary).contains("secondary;", "address " + lab.secondary().address() + ";",
                "peer address " + lab.primary().address() + ";").doesNotContain("split").doesNotContain("mclt");
        String lan = config(lab.primary()).substring(config(lab.primary()).indexOf("subnet " + BRANCH + ".0"));
        assertThat(lan).contains("failover peer \"fo-hot\"");
    }

    @Test
    @Order(12)
    void migrateToKea_fromTheRowMenu_namesAMissingChoiceAtItsField_andAnUnreachableKeaServerInThePreview_changingNothing() {
        String before = config(lab.primary());
        for (String name : List.of("kea-gone", "kea-gone-too")) {
            // Port 9 (discard) on loopback: nothing answers, as with a Kea host that is down.
            central.servers().add(Actor.SYSTEM, null, "server", new ServerService.NewServer(name, "Kea", "127.0.0.1", 9L, null, null,
                    null, null, null));
        }
        page.navigate(url("/ui/admin/services/" + a.id() + "/failover"));
        page.locator("tr[data-relationship=fo-hot] summary").click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Migrate to Kea")).click();
        assertThat(dialog().getByLabel("Kea server replacing dhcpd-a")).isVisible();
        next();
        assertThat(dialog()).containsText("Choose the Kea server");
        dialog().getByLabel("Kea server replacing dhcpd-a").selectOption("kea-gone");
        dialog().getByLabel("Kea server replacing dhcpd-b").selectOption("kea-gone");
        next();
        assertThat(dialog()).containsText("the same server");
        dialog().getByLabel("Kea server replacing dhcpd-b").selectOption("kea-gone-too");
        next();
        assertThat(dialog()).containsText("Kea server \"kea-gone\" could not be reached", SLOW);
        assertThat(config(lab.primary())).isEqualTo(before);
        assertThat(central.failoverRelationships().findByName("fo-hot")).isPresent();
    }
}
