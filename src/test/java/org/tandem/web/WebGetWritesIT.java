package org.tandem.web;

import org.tandem.testing.TableDump;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.http.HandlerType;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.tandem.auth.Actor;
import org.tandem.central.Central;
import org.tandem.central.CentralConfig;
import org.tandem.kea.client.KeaClient;
import org.tandem.lab.KeaLab;
import org.tandem.scope.AddressBlock;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.Reservation;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerService;
import org.tandem.store.Database;
import org.tandem.store.ListQuery;
import org.tandem.testing.Cleanup;

/**
 * No GET of the web UI changes anything (issue 17, finding 2): every UI route Javalin has (taken from its
 * handler-added events, not a hand list) is asked with GET, {@code step=apply} and every dialog's plausible fields,
 * with and without the session's CSRF token in the query, against a Central with a scope, a pool and a reservation on a
 * real Kea 2.2 pair; the database (change history included) and both Kea configurations stay as they were. The same
 * write as a POST with the token does write, so the probe is one that would have worked.
 */
class WebGetWritesIT {

    private static final String PASSWORD = "get-writes-password";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static final List<HandlerMetaInfo> ROUTES = new CopyOnWriteArrayList<>();

    private static KeaLab lab;
    private static Central central;
    private static DhcpServer kea1;
    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        lab = KeaLab.start(KeaLab.Options.loopback(KeaLab.HaSetup.HOT_STANDBY));
        Central.Extension routeList = (c, config) -> config.events.handlerAdded(ROUTES::add);
        central = Central.start(new Central.Options("127.0.0.1", 0, Database.temporaryUrl("getw-" + UUID.randomUUID()),
                CentralConfig.defaults(), Clock.systemUTC(), List.of(routeList, new WebUi()), PASSWORD));
        kea1 = addKea(lab.node(0));
        addKea(lab.node(1));
    }

    private static DhcpServer addKea(KeaLab.Node n) {
        return central.servers().add(Actor.SYSTEM, null, "server", new ServerService.NewServer(n.name(), "Kea",
                n.agentUrl().getHost(), (long) n.agentUrl().getPort(), null, null, null, false));
    }

    @AfterAll
    static void stop() throws Exception {
        Cleanup.close(central, lab);
    }

    @Test
    void everyUiRoute_getWithStepApplyAndPlausibleFields_changesNothing() throws Exception {
        String csrf = signIn();
        // Data through the UI itself: a POST with the token writes (so the GETs below are probes that could work).
        post("/ui/scopes/new", csrf, Map.of("step", "apply", "name", "lan", "subnet", "10.40.0.0/24", "server", kea1.ref(),
                "poolFrom", "10.40.0.10", "poolTo", "10.40.0.50"));
        DhcpScope scope = central.scopes().scopes(ListQuery.all()).items().stream().findFirst().orElseThrow();
        String scopePath = "/ui/scopes/" + scope.ref();
        post(scopePath + "/reservations/new", csrf, Map.of("step", "apply", "name", "printer", "addresses", "10.40.0.200",
                "clientIdentifier", "00:11:22:33:44:55"));
        long pool = central.scopes().blocks(AddressBlock.Kind.POOL, "scope", scope.ref(), ListQuery.all()).items().get(0).id();
        Reservation reservation = central.scopes().reservations("scope", scope.ref(), ListQuery.all()).items().get(0);
        assertThat(keaConfig(0)).contains("10.40.0.0/24").contains("10.40.0.200");

        Map<String, String> tablesBefore = TableDump.of(central.database().jdbi(), t -> t.toLowerCase().contains("session"));
        String kea0Before = keaConfig(0);
        String kea1Before = keaConfig(1);
        Map<String, String> pathValues = Map.of("scope", String.valueOf(scope.id()), "pool", String.valueOf(pool),
                "res", String.valueOf(reservation.id()), "id", String.valueOf(kea1.id()), "rel", "1", "file", "app.js");
        List<String> whats = List.of("add-failover", "remove-failover", "instances", "failover", "config", "ha");
        // One set of fields per dialog kind, each enough for that dialog's apply step to write.
        List<Map<String, String>> fieldSets = List.of(
                Map.of("name", "via-get", "subnet", "10.41.0.0/24", "server", kea1.ref(), "poolFrom", "10.41.0.10", "poolTo", "10.41.0.20"),
                Map.of("from", "10.40.0.60", "to", "10.40.0.70"),
                Map.of("name", "via-get", "addresses", "10.40.0.201", "clientIdentifier", "00:11:22:33:44:66"),
                Map.of("deconfigureAction", "Delete", "instance", kea1.ref(), "config", "{}", "action", "maintenance-start",
                        "peer", lab.node(1).name()));

        List<String> uiGets = ROUTES.stream().filter(r -> r.getHttpMethod() == HandlerType.GET)
                .map(HandlerMetaInfo::getPath).filter(p -> p.startsWith("/ui") || p.equals("/login") || p.equals("/"))
                .distinct().toList();
        assertThat(uiGets).as("UI routes from Javalin").hasSizeGreaterThan(15)
                .contains("/ui/scopes/new", "/ui/scopes/dhcpScopes/{scope}/pools/{pool}", "/ui/admin/services/{id}/failover/{rel}/remove");
        List<String> probed = new ArrayList<>();
        for (String route : uiGets) {
            for (String what : route.contains("{what}") ? whats : List.of("")) {
                String path = fill(route, pathValues, what);
                for (Map<String, String> fields : fieldSets) {
                    for (boolean withToken : List.of(false, true)) {
                        Map<String, String> q = new LinkedHashMap<>(fields);
                        q.put("step", "apply");
                        q.put("sel", route.contains("/services/") ? String.valueOf(kea1.id()) : scope.ref());
                        if (withToken) {
                            q.put("_csrf", csrf);
                        }
                        HttpResponse<String> r = get(path + "?" + form(q), withToken ? csrf : null);
                        assertThat(r.statusCode()).as("GET %s", path).isLessThan(500);
                        probed.add(path);
                    }
                }
            }
        }
        assertThat(probed).hasSizeGreaterThan(100);
        Map<String, String> tablesAfter = TableDump.of(central.database().jdbi(), t -> t.toLowerCase().contains("session"));
        assertThat(tablesAfter.keySet().stream().filter(t -> !tablesAfter.get(t).equals(tablesBefore.get(t))).toList())
                .as("tables changed by %d GETs", probed.size()).isEmpty();
        assertThat(keaConfig(0)).isEqualTo(kea0Before);
        assertThat(keaConfig(1)).isEqualTo(kea1Before);
    }

    private static String fill(String route, Map<String, String> values, String what) {
        String p = route.replace("{what}", what);
        for (Map.Entry<String, String> e : values.entrySet()) {
            p = p.replace("{" + e.getKey() + "}", e.getValue());
        }
        assertThat(p).as("every path parameter of %s has a value", route).doesNotContain("{");
        return p;
    }

    private String signIn() throws Exception {
        HttpResponse<String> login = get("/login", null);
        String token = token(login.body());
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("_csrf", token, "user", "administrator", "password", PASSWORD)))));
        assertThat(r.statusCode()).as("sign-in").isEqualTo(302);
        return token(get("/ui/scopes", null).body());
    }

    private static String token(String html) {
        Matcher m = CSRF.matcher(html);
        assertThat(m.find()).as("a CSRF field in the page").isTrue();
        return m.group(1);
    }

    private void post(String path, String csrf, Map<String, String> fields) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/x-www-form-urlencoded")
                .header("HX-Request", "true").header(WebSession.CSRF_HEADER, csrf)
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))));
        assertThat(r.statusCode()).as("POST %s: %s", path, r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("HX-Redirect")).as("POST %s wrote: %s", path, r.body()).isPresent();
    }

    private HttpResponse<String> get(String path, String csrf) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).GET();
        if (csrf != null) {
            b.header("HX-Request", "true").header(WebSession.CSRF_HEADER, csrf);
        }
        return send(b);
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + central.port() + path);
    }

    private static String form(Map<String, String> m) {
        return m.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
    }

    private static String keaConfig(int node) {
        JsonNode c = new KeaClient(lab.node(node).name(), lab.node(node).agentEndpoint()).ok("config-get", null, false).arguments();
        return c.path("Dhcp4").toString();
    }
}
