package org.tandem.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.tandem.store.Database;
import org.tandem.testing.Cleanup;

/** A read-only user changes its own password in the web UI, in Debian's Chromium (issue 17, finding 9). */
class WebPasswordIT {

    private static final String ADMIN_PASSWORD = "web-password-admin-1";
    private static final String READER_PASSWORD = "web-reader-password-1";
    private static final Path SHOTS = Paths.get("target", "screenshots");
    private static Central central;
    private static Playwright playwright;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("webpw-" + UUID.randomUUID()),
                CentralConfig.defaults(), Clock.systemUTC(), List.of(new WebUi()), ADMIN_PASSWORD));
        central.auth().addUser(Actor.SYSTEM, null, "user", "reader", READER_PASSWORD, "ReadOnly");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(Paths.get("/usr/bin/chromium"))
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--no-first-run")));
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(browser, playwright, central);
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + central.port() + path;
    }

    private static Page signIn(BrowserContext context, String password) {
        context.setDefaultTimeout(20_000);
        Page page = context.newPage();
        page.navigate(url("/login"));
        page.getByLabel("User name").fill("reader");
        page.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill(password);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();
        assertThat(page.locator("#signed-in")).hasText("reader");
        return page;
    }

    private static void change(Page page, String old, String fresh, String again) {
        page.getByLabel("Current password").fill(old);
        page.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill(fresh);
        page.getByLabel("New password again").fill(again);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change password")).click();
    }

    @Test
    void readOnlyUser_changesOwnPassword_mistakesNamed_otherSessionsEnded() {
        try (BrowserContext mine = browser.newContext(); BrowserContext elsewhere = browser.newContext()) {
            Page page = signIn(mine, READER_PASSWORD);
            Page other = signIn(elsewhere, READER_PASSWORD);

            page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Change password")).click();
            assertThat(page).hasURL(url("/ui/account/password"));
            change(page, "not-the-current-one", "web-reader-password-2", "web-reader-password-2");
            assertThat(page.locator("#password-error")).hasText("Current password: is not the current password");
            change(page, READER_PASSWORD, "web-reader-password-2", "web-reader-password-3");
            assertThat(page.locator("#password-error")).containsText("does not match");
            change(page, READER_PASSWORD, "password1234", "password1234");
            assertThat(page.locator("#password-error")).hasText("New password: is a commonly used password; choose another");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("password-error.png")).setFullPage(true));

            change(page, READER_PASSWORD, "web-reader-password-2", "web-reader-password-2");
            assertThat(page.locator("#password-done")).containsText("Your password was changed");

            // This browser stays signed in; the other session has ended.
            page.navigate(url("/ui/history"));
            assertThat(page.locator("#signed-in")).hasText("reader");
            other.navigate(url("/ui/history"));
            assertThat(other).hasURL(url("/login"));
        }
        try (BrowserContext fresh = browser.newContext()) {
            signIn(fresh, "web-reader-password-2");
        }
    }
}
