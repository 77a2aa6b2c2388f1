package org.tandem.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.tandem.central.CentralConfig;
import org.tandem.central.TestCentral;

/** The sign-in form counts failures by the caller's address, in the same throttle as JSON-RPC Login (issue 17, finding 3). */
class WebLoginThrottleIT {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private TestCentral central;
    private final HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() {
        central = new TestCentral(CentralConfig.defaults(), List.of(new WebUi()));
    }

    @AfterEach
    void stop() {
        if (central != null) {
            central.close();
        }
    }

    // Before the fix the form passed no address, so 160 guesses over as many names went through in 30 s.
    @Test
    void signInForm_manyNamesFromOneAddress_throttledAndTheApiSharesTheThrottle() throws Exception {
        String csrf = csrfOf(get("/login").body());
        int throttled = 0;
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> answer = post("/login", "_csrf=" + enc(csrf) + "&user=" + enc("guess" + i) + "&password=" + enc("wrong-password-" + i));
            assertThat(answer.statusCode()).isEqualTo(401);
            if (answer.body().contains("Too many failed logins from this address")) {
                throttled++;
            }
            csrf = csrfOf(answer.body());
        }
        assertThat(throttled).isGreaterThan(0);

        TestCentral.Answer rpc = central.rpcRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"Login\",\"params\":"
                + "{\"loginName\":\"administrator\",\"password\":\"" + TestCentral.ADMIN_PASSWORD + "\"}}");
        assertThat(rpc.text()).contains("Too many failed logins from this address");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(central.base() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(central.base() + path)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String csrfOf(String page) {
        Matcher m = CSRF.matcher(page);
        assertThat(m.find()).as("the sign-in page carries a form token").isTrue();
        return m.group(1);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
