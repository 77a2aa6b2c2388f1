package org.tandem.central;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.tandem.common.UserError;
import org.tandem.store.Database;
import org.tandem.store.SecretBox;
import org.tandem.testing.SmallDisk;
import org.tandem.web.WebUi;

/**
 * Issue 15: a full disk or an unwritable database under a real Central on a real (small, tmpfs) file system. Writes
 * are refused with an error naming the database and the cause, reads go on, /health says DEGRADED with the reason,
 * and when space returns Central writes again without a restart, every write it acknowledged before still there.
 */
class DiskTroubleIT {

    private static final String PASSWORD = "disk-trouble-password";
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Central central;

    @AfterEach
    void cleanUp() throws Exception {
        // Central first (it holds files on the mount), then the mount.
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private SmallDisk disk(int mebibytes) throws Exception {
        SmallDisk disk = SmallDisk.mount(mebibytes);
        open.add(disk);
        return disk;
    }

    private Central start(Path data, SecretBox secrets) {
        Central c = Central.start(new Central.Options("127.0.0.1", 0, Database.embeddedUrl(data), CentralConfig.defaults(), Clock.systemUTC(),
                List.of(new WebUi()), PASSWORD, null, secrets));
        open.add(c);
        central = c;
        return c;
    }

    private TestCentral.Answer send(String method, String path, String body, String authorization) {
        return TestCentral.send(http, "http://127.0.0.1:" + central.port(), method, path, body, authorization, Duration.ofSeconds(30));
    }

    private JsonNode rpc(String method, String params) {
        TestCentral.Answer a = send("POST", "/mmws/json", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + method + "\",\"params\":" + params + "}", null);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.body();
    }

    private String login() {
        JsonNode r = rpc("Login", "{\"loginName\":\"administrator\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(r.has("error")).as(r.toString()).isFalse();
        return r.path("result").path("session").asText();
    }

    private JsonNode addRange(String session, String subnet) {
        return rpc("AddRange", "{\"session\":\"" + session + "\",\"range\":{\"subnet\":\"" + subnet + "\"},\"saveComment\":\"disk\"}");
    }

    private TestCentral.Answer postRange(String session, String subnet) {
        return send("POST", "/mmws/api/v2/ranges", "{\"range\":{\"subnet\":\"" + subnet + "\"}}", "Bearer " + session);
    }

    /** The range names GetRanges answers, checked against the REST list. */
    private TreeSet<String> ranges(String session) {
        JsonNode r = rpc("GetRanges", "{\"session\":\"" + session + "\"}");
        assertThat(r.has("error")).as("GetRanges: %s", r).isFalse();
        TreeSet<String> names = new TreeSet<>();
        r.path("result").path("ranges").forEach(x -> names.add(x.path("name").asText()));
        TestCentral.Answer rest = send("GET", "/mmws/api/v2/ranges", null, "Bearer " + session);
        assertThat(rest.status()).as(rest.text()).isEqualTo(200);
        TreeSet<String> viaRest = new TreeSet<>();
        rest.body().path("result").path("ranges").forEach(x -> viaRest.add(x.path("name").asText()));
        assertThat(viaRest).isEqualTo(names);
        return names;
    }

    private HttpResponse<String> web(HttpClient browser, String path, String form) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + central.port() + path)).timeout(Duration.ofSeconds(30));
        if (form != null) {
            b.header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        }
        return browser.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Posts the sign-in form as a browser does (the form's token first); the answer to the post. */
    private HttpResponse<String> webSignIn(HttpClient browser) throws Exception {
        Matcher m = CSRF.matcher(web(browser, "/login", null).body());
        assertThat(m.find()).as("the sign-in page carries a form token").isTrue();
        return web(browser, "/login", "_csrf=" + URLEncoder.encode(m.group(1), StandardCharsets.UTF_8) + "&user=administrator&password=" + PASSWORD);
    }

    private JsonNode health() {
        TestCentral.Answer a = send("GET", "/health", null, null);
        assertThat(a.status()).as(a.text()).isEqualTo(200);
        return a.body();
    }

    private JsonNode awaitHealth(String status) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(30);
        JsonNode h = health();
        while (!status.equals(h.path("status").asText()) && Instant.now().isBefore(deadline)) {
            Thread.sleep(200);
            h = health();
        }
        assertThat(h.path("status").asText()).as("/health within 30 s: %s", h).isEqualTo(status);
        return h;
    }

    @Test
    void fullDisk_refusesWritesNamingTheDirectory_servesReads_andRecoversWhenSpaceReturns() throws Exception {
        SmallDisk disk = disk(16);
        Path data = disk.root().resolve("data");
        Files.createDirectories(data);
        start(data, SecretBox.ephemeral());
        String session = login();
        HttpClient signedIn = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();
        assertThat(webSignIn(signedIn).statusCode()).isEqualTo(302);
        TreeSet<String> acknowledged = new TreeSet<>();
        for (int i = 0; i < 20; i++) {
            JsonNode added = addRange(session, "10.15." + i + ".0/24");
            assertThat(added.has("error")).as(added.toString()).isFalse();
            acknowledged.add("10.15." + i + ".0/24");
        }
        TestCentral.Answer created = postRange(session, "10.16.0.0/24");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        acknowledged.add("10.16.0.0/24");
        assertThat(health().path("status").asText()).isEqualTo("UP");

        disk.fill();

        String named = "Central cannot write its database " + data.resolve("tandem.db") + ": the disk is full";
        JsonNode refused = addRange(session, "10.17.0.0/24");
        assertThat(refused.path("error").path("code").asInt()).as(refused.toString()).isEqualTo(4123);
        assertThat(refused.path("error").path("message").asText()).startsWith(named).contains("reads still work")
                .contains("free space on the file system of " + data);
        TestCentral.Answer restRefused = postRange(session, "10.17.0.0/24");
        assertThat(restRefused.status()).as(restRefused.text()).isEqualTo(503);
        assertThat(restRefused.body().path("error").path("code").asInt()).isEqualTo(4123);
        assertThat(restRefused.body().path("error").path("message").asText()).startsWith(named);

        // Reads go on for a signed-in user; a new sign-in needs a session row and is refused with the same words.
        assertThat(ranges(session)).isEqualTo(acknowledged);
        JsonNode newLogin = rpc("Login", "{\"loginName\":\"administrator\",\"password\":\"" + PASSWORD + "\"}");
        assertThat(newLogin.path("error").path("message").asText()).as(newLogin.toString()).startsWith(named);
        HttpResponse<String> page = web(signedIn, "/ui/scopes", null);
        assertThat(page.statusCode()).isEqualTo(200);
        HttpResponse<String> webLogin = webSignIn(HttpClient.newBuilder().cookieHandler(new CookieManager()).build());
        assertThat(webLogin.statusCode()).isEqualTo(503);
        assertThat(webLogin.body()).contains(named);

        JsonNode degraded = awaitHealth("DEGRADED");
        assertThat(degraded.path("reason").asText()).startsWith(named);
        // The probe keeps it degraded: not a one-off mark a later probe forgets while the disk is still full.
        Thread.sleep(Central.PROBE_INTERVAL.toMillis() * 2 + 500);
        assertThat(health().path("status").asText()).isEqualTo("DEGRADED");

        disk.free();

        awaitHealth("UP");
        JsonNode again = addRange(session, "10.17.0.0/24");
        assertThat(again.has("error")).as(again.toString()).isFalse();
        acknowledged.add("10.17.0.0/24");
        TestCentral.Answer restAgain = postRange(session, "10.18.0.0/24");
        assertThat(restAgain.status()).as(restAgain.text()).isEqualTo(201);
        acknowledged.add("10.18.0.0/24");
        assertThat(login()).isNotEmpty();
        assertThat(ranges(session)).isEqualTo(acknowledged);

        // And from the disk, not only from this process: a fresh Central on the same files sees every acknowledged write.
        central.close();
        open.remove(central);
        start(data, SecretBox.ephemeral());
        assertThat(ranges(login())).isEqualTo(acknowledged);
    }

    @Test
    void readOnlyDatabase_refusesToStart_namingTheDirectoryAndTheCause() throws Exception {
        SmallDisk disk = disk(8);
        Path data = disk.root().resolve("data");
        Files.createDirectories(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        SecretBox secrets = SecretBox.load(data, null);
        Central first = start(data, secrets);
        assertThat(addRange(login(), "10.19.0.0/24").has("error")).isFalse();
        first.close();
        open.remove(first);

        // Nothing holds a file open for writing now, so the kernel lets the mount go read-only.
        disk.remountReadOnly();
        String named = "Central cannot write its database " + data.resolve("tandem.db") + ": the database is read-only";
        assertThatThrownBy(() -> start(data, secrets)).isInstanceOfSatisfying(UserError.class, e -> {
            assertThat(e.kind()).isEqualTo(UserError.Kind.STORAGE);
            assertThat(e.getMessage()).startsWith(named).contains("make " + data + " and its files writable");
        });

        // tandem server: exits non-zero with the message, never says ready.
        Path out = Files.createTempFile("disk-trouble-out", ".txt");
        Path err = Files.createTempFile("disk-trouble-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(ServerCommandIT.tandem("server", "--host", "127.0.0.1", "--port", "0", "--data", data.toString()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().put("TANDEM_ADMIN_PASSWORD", PASSWORD);
            Process p = pb.start();
            try {
                assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("tandem server exits").isTrue();
            } finally {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(p.exitValue()).isNotZero();
            assertThat(Files.readString(err)).contains("tandem server: " + named);
            assertThat(Files.readString(out)).doesNotContain("ready");
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }

        // Writable again: it starts, with what was written before.
        disk.remountReadWrite();
        start(data, secrets);
        assertThat(ranges(login())).contains("10.19.0.0/24");
    }

    @Test
    void fileSystemTurnsReadOnlyUnderRunningCentral_refusesWritesNamingIt_servesReads() throws Exception {
        SmallDisk disk = SmallDisk.ext4(32);
        open.add(disk);
        Path data = disk.root().resolve("data");
        Files.createDirectories(data);
        start(data, SecretBox.ephemeral());
        String session = login();
        for (int i = 0; i < 5; i++) {
            assertThat(addRange(session, "10.21." + i + ".0/24").has("error")).isFalse();
        }

        disk.failIntoReadOnly();

        // ext4 aborts its journal and refuses writes (EROFS) without marking the mount read-only for access(2) on every
        // kernel, so SQLite's SQLITE_IOERR_WRITE may stay an I/O error ("see the kernel log"), which it is; either is named.
        String named = "^Central cannot (write|use) its database " + Pattern.quote(data.resolve("tandem.db").toString())
                + ": (the database is read-only|the disk reports an I/O error) \\(SQLITE_[A-Z_]+\\); .*";
        JsonNode refused = addRange(session, "10.22.0.0/24");
        assertThat(refused.path("error").path("code").asInt()).as(refused.toString()).isEqualTo(4123);
        assertThat(refused.path("error").path("message").asText()).matches(named);
        TestCentral.Answer restRefused = postRange(session, "10.22.0.0/24");
        assertThat(restRefused.status()).as(restRefused.text()).isEqualTo(503);
        assertThat(restRefused.body().path("error").path("message").asText()).matches(named);
        assertThat(ranges(session)).hasSize(5);
        JsonNode degraded = awaitHealth("DEGRADED");
        assertThat(degraded.path("reason").asText()).matches(named);
        // The probe's own write fails too, so it stays DEGRADED (a probe writing nothing passed here and claimed UP).
        Thread.sleep(Central.PROBE_INTERVAL.toMillis() * 2 + 500);
        JsonNode still = health();
        assertThat(still.path("status").asText()).isEqualTo("DEGRADED");
        assertThat(still.path("reason").asText()).matches(named);
    }
}
