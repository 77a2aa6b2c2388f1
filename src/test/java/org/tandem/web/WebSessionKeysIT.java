package org.tandem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.change.TestDatabases;
import org.tandem.http.SecurityHeaders;
import org.tandem.store.Database;
import org.tandem.testing.Cleanup;

/**
 * The web UI's keys and headers (issue 17, findings 8 and 10): form tokens hold across Central nodes on one database
 * (one SQLite file, one PostgreSQL) and across a restart, sign-out ends the session whatever its token, the sign-in token is bound
 * to the server's key rather than to a cookie the client chooses, and every answer carries the security headers.
 */
class WebSessionKeysIT {

    private static final String PASSWORD = "keys-test-password";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static Central start(String jdbcUrl) {
        return Central.start(new Central.Options("127.0.0.1", 0, jdbcUrl, CentralConfig.defaults(), Clock.systemUTC(),
                List.of(new WebUi()), PASSWORD));
    }

    /** A signed-in browser: its session cookie and the CSRF token of a page it loaded. */
    private record Browser(String cookie, String csrf) {}

    @Test
    void twoNodesOnOneSqliteFile_acceptEachOthersFormTokens() throws Exception {
        String url = Database.temporaryUrl("keys-" + UUID.randomUUID());
        Central a = start(url);
        Central b = null;
        try {
            b = start(url);
            assertTokensCrossNodes(a, b);
        } finally {
            Cleanup.close(b, a);
        }
    }

    @Test
    void twoNodesOnOnePostgres_acceptEachOthersFormTokens() throws Exception {
        TestDatabases db = TestDatabases.postgres();
        Central a = null;
        Central b = null;
        try {
            a = start(db.url());
            b = start(db.url());
            assertTokensCrossNodes(a, b);
        } finally {
            Cleanup.close(b, a, db);
        }
    }

    private void assertTokensCrossNodes(Central a, Central b) throws Exception {
        Browser onA = signIn(a);
        assertThat(post(b, "/ui/scopes/new", onA.cookie(), Map.of("_csrf", onA.csrf(), "step", "edit")).statusCode())
                .as("a form from node A posted to node B").isEqualTo(200);
        Browser onB = signIn(b);
        assertThat(post(a, "/ui/scopes/new", onB.cookie(), Map.of("_csrf", onB.csrf(), "step", "edit")).statusCode())
                .as("a form from node B posted to node A").isEqualTo(200);
        assertThat(post(a, "/ui/scopes/new", onB.cookie(), Map.of("_csrf", onA.csrf(), "step", "edit")).statusCode())
                .as("another session's token").isEqualTo(403);
    }

    @Test
    void restart_formLoadedBeforeIsAccepted(@TempDir Path dir) throws Exception {
        String url = Database.embeddedUrl(dir);
        Central first = start(url);
        Browser browser;
        try {
            browser = signIn(first);
        } finally {
            first.close();
        }
        Central second = start(url);
        try {
            HttpResponse<String> r = post(second, "/ui/scopes/new", browser.cookie(), Map.of("_csrf", browser.csrf(), "step", "edit"));
            assertThat(r.statusCode()).as("form from before the restart: %s", r.body()).isEqualTo(200);
            assertThat(r.body()).contains("Create scope");
        } finally {
            second.close();
        }
    }

    @Test
    void signOut_withWrongOrNoToken_endsTheSession() throws Exception {
        Central c = start(Database.temporaryUrl("keys-" + UUID.randomUUID()));
        try {
            for (Map<String, String> form : List.of(Map.of("_csrf", "not-the-token"), Map.<String, String>of())) {
                Browser b = signIn(c);
                assertThat(get(c, "/ui/scopes", b.cookie()).statusCode()).isEqualTo(200);
                HttpResponse<String> out = post(c, "/logout", b.cookie(), form);
                assertThat(out.statusCode()).isEqualTo(302);
                HttpResponse<String> after = get(c, "/ui/scopes", b.cookie());
                assertThat(after.statusCode()).as("the old session cookie after sign-out").isEqualTo(302);
                assertThat(after.headers().firstValue("Location")).hasValue("/login");
            }
        } finally {
            c.close();
        }
    }

    @Test
    void signIn_tokenEqualToACookieTheClientChose_isRefused() throws Exception {
        Central c = start(Database.temporaryUrl("keys-" + UUID.randomUUID()));
        try {
            Map<String, String> form = new LinkedHashMap<>();
            form.put("_csrf", "chosen-by-attacker");
            form.put("user", "administrator");
            form.put("password", PASSWORD);
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri(c, "/login")).header("Cookie", WebSession.LOGIN_COOKIE + "=chosen-by-attacker")
                    .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(form))));
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.headers().allValues("Set-Cookie")).noneMatch(v -> v.startsWith(WebSession.COOKIE + "="));
        } finally {
            c.close();
        }
    }

    @Test
    void everyKindOfAnswer_carriesTheSecurityHeaders() throws Exception {
        Central c = start(Database.temporaryUrl("keys-" + UUID.randomUUID()));
        try {
            Browser b = signIn(c);
            List<HttpResponse<String>> answers = List.of(get(c, "/login", null), get(c, "/ui/scopes", b.cookie()),
                    get(c, "/ui/scopes", null), get(c, "/ui/static/htmx.min.js", null), get(c, "/mmws/api/v2/dhcpServers", null),
                    get(c, "/no-such-page", null), get(c, "/health", null),
                    send(HttpRequest.newBuilder(uri(c, "/mmws/json")).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"GetDHCPServers\"}"))),
                    post(c, "/ui/scopes/new", b.cookie(), Map.of("step", "apply")));
            for (HttpResponse<String> r : answers) {
                String what = r.request().method() + " " + r.uri().getPath() + " (" + r.statusCode() + ")";
                assertThat(r.headers().firstValue("X-Frame-Options")).as(what).hasValue("DENY");
                assertThat(r.headers().firstValue("Content-Security-Policy")).as(what).hasValue(SecurityHeaders.CSP);
                assertThat(r.headers().firstValue("X-Content-Type-Options")).as(what).hasValue("nosniff");
                assertThat(r.headers().firstValue("Referrer-Policy")).as(what).hasValue("same-origin");
            }
            assertThat(SecurityHeaders.CSP).contains("frame-ancestors 'none'").doesNotContain("unsafe");
        } finally {
            c.close();
        }
    }

    // ---------------------------------------------------------------- HTTP

    private Browser signIn(Central c) throws Exception {
        HttpResponse<String> form = get(c, "/login", null);
        String loginCookie = cookie(form, WebSession.LOGIN_COOKIE);
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(c, "/login")).header("Cookie", WebSession.LOGIN_COOKIE + "=" + loginCookie)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("_csrf", token(form.body()), "user", "administrator",
                        "password", PASSWORD)))));
        assertThat(r.statusCode()).as("sign-in: %s", r.body()).isEqualTo(302);
        String session = cookie(r, WebSession.COOKIE);
        return new Browser(session, token(get(c, "/ui/scopes", session).body()));
    }

    private static String cookie(HttpResponse<String> r, String name) {
        return r.headers().allValues("Set-Cookie").stream().filter(v -> v.startsWith(name + "="))
                .map(v -> v.substring(name.length() + 1, v.indexOf(';') < 0 ? v.length() : v.indexOf(';')))
                .findFirst().orElseThrow(() -> new AssertionError("no cookie " + name + " in " + r.headers().map()));
    }

    private static String token(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    private HttpResponse<String> get(Central c, String path, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(c, path)).GET();
        if (session != null) {
            b.header("Cookie", WebSession.COOKIE + "=" + session);
        }
        return send(b);
    }

    private HttpResponse<String> post(Central c, String path, String session, Map<String, String> fields) throws Exception {
        return send(HttpRequest.newBuilder(uri(c, path)).header("Cookie", WebSession.COOKIE + "=" + session)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form(fields))));
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(Central c, String path) {
        return URI.create("http://127.0.0.1:" + c.port() + path);
    }

    private static String form(Map<String, String> m) {
        return m.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }
}
