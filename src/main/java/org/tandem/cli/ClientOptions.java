package org.tandem.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * What every client command shares: where Central is, who logs in (or the session saved by {@code tandem login}),
 * JSON output, and the mapping of errors to exit codes and one-line messages.
 */
public final class ClientOptions {

    /** Exit codes of the client commands (also listed in their --help). */
    public static final int OK = 0;
    public static final int REFUSED = 1;
    public static final int USAGE = 2;
    public static final int LOGIN = 3;
    public static final int UNREACHABLE = 4;
    public static final String[] EXIT_CODES = {"0:done", "1:Central refused the request (the message says why)",
            "2:wrong command-line usage", "3:not logged in, wrong password, or not allowed", "4:Central cannot be reached"};

    /** The last line of every dry run, so a script or a person never takes one for a write. */
    public static final String DRY_RUN_DONE = "dry run: nothing was written";

    /** Micetro's login error codes: invalid login and permission denied. */
    private static final int AUTH_CODE = 16394;
    private static final int PERMISSION_CODE = 4103;

    @Option(names = "--url", description = "Central's address, e.g. http://127.0.0.1:8080/ (default: the one saved by tandem login, or $TANDEM_URL).")
    String url;

    @Option(names = "--user", description = "Log in as this user for this command only (with --password or $TANDEM_PASSWORD).")
    String user;

    @Option(names = "--password", description = "The password for --user (or set $TANDEM_PASSWORD, which keeps it out of the process list).")
    String password;

    @Option(names = "--json", description = "Print Central's JSON answer instead of a table.")
    boolean json;

    /** Options of every write that Central can dry-run: the save comment and the dry run. */
    static final class Write {
        @Option(names = "--comment", description = "Save comment for the change history.") String comment;
        @Option(names = "--dry-run", description = "Check everything and print each server's config diff, then"
                + " \"dry run: nothing was written\"; change nothing.") boolean dryRun;

        ObjectNode apply(ObjectNode p) {
            if (comment != null) {
                p.put("saveComment", comment);
            }
            if (dryRun) {
                p.put("dryRun", true);
            }
            return p;
        }
    }

    /** Thrown for a user mistake found before calling Central. */
    public static final class Usage extends RuntimeException {
        public Usage(String message) {
            super(message);
        }
    }

    /** Where {@code tandem login} keeps the session: $TANDEM_SESSION_FILE, else ~/.config/tandem/session.json. */
    static Path sessionFile() {
        String env = System.getenv("TANDEM_SESSION_FILE");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".config", "tandem", "session.json");
    }

    static void saveSession(String url, String user, String session) throws IOException {
        Path file = sessionFile();
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ObjectNode n = TandemClient.params().put("url", url).put("user", user).put("session", session);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        // The session is a credential: readable by its owner only, from the moment it exists.
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, TandemClient.json().writeValueAsString(n));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    String password() {
        if (password != null) {
            return password;
        }
        String env = System.getenv("TANDEM_PASSWORD");
        return env == null || env.isEmpty() ? null : env;
    }

    String baseUrl(JsonNode saved) {
        String u = url != null ? url : System.getenv("TANDEM_URL");
        if (u == null && saved != null) {
            u = saved.path("url").asText(null);
        }
        if (u == null) {
            u = "http://127.0.0.1:8080/";
        }
        try {
            URI parsed = URI.create(u);
            if (!"http".equals(parsed.getScheme()) && !"https".equals(parsed.getScheme()) || parsed.getHost() == null) {
                throw new Usage("--url must be an http:// or https:// address like http://127.0.0.1:8080/, not \"" + u + "\"");
            }
        } catch (IllegalArgumentException e) {
            throw new Usage("--url \"" + u + "\" is not a valid address: " + e.getMessage());
        }
        return u;
    }

    /** Who the client commands act as: --user, else the user of the saved session (null: neither). */
    String currentUser() {
        if (user != null) {
            return user;
        }
        JsonNode saved = readSaved();
        return saved == null ? null : saved.path("user").asText(null);
    }

    /** A client with a session: logged in now with --user, or the saved session. */
    TandemClient connect() {
        JsonNode saved = readSaved();
        String base = baseUrl(saved);
        if (user != null) {
            String pw = password();
            if (pw == null) {
                throw new Usage("--user needs --password or $TANDEM_PASSWORD");
            }
            TandemClient client = new TandemClient(URI.create(base), null);
            client.login(user, pw);
            return client;
        }
        if (saved == null || saved.path("session").asText(null) == null) {
            throw new TandemClient.RpcError(AUTH_CODE, "not logged in: run tandem login --url URL --user NAME first, or give --user and --password");
        }
        if (url != null && !url.equals(saved.path("url").asText())) {
            throw new TandemClient.RpcError(AUTH_CODE, "the saved session is for " + saved.path("url").asText()
                    + "; run tandem login --url " + url + " first, or give --user and --password");
        }
        return new TandemClient(URI.create(base), saved.path("session").asText());
    }

    private static JsonNode readSaved() {
        Path file = sessionFile();
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return TandemClient.json().readTree(file.toFile());
        } catch (IOException e) {
            return null;
        }
    }

    /** A command's work; what it prints goes to {@code out}. */
    @FunctionalInterface
    public interface Work {
        void run(PrintWriter out) throws IOException;
    }

    /** Runs {@code work}, turning every error into a message on stderr and its exit code. */
    static int run(String command, PrintWriter out, PrintWriter err, Work work) {
        try {
            work.run(out);
            out.flush();
            return OK;
        } catch (Usage e) {
            err.println("tandem " + command + ": " + e.getMessage());
            err.flush();
            return USAGE;
        } catch (TandemClient.RpcError e) {
            err.println("tandem " + command + ": " + e.getMessage());
            err.flush();
            if (e.unreachable()) {
                return UNREACHABLE;
            }
            return e.code() == AUTH_CODE || e.code() == PERMISSION_CODE ? LOGIN : REFUSED;
        } catch (IOException e) {
            err.println("tandem " + command + ": " + e.getMessage());
            err.flush();
            return REFUSED;
        }
    }

    /** Prints the JSON answer (--json) or one line per item of {@code listKey} with the given columns. */
    void print(PrintWriter out, JsonNode result, String listKey, Map<String, String> columns) throws IOException {
        if (json) {
            printJson(out, result);
            return;
        }
        JsonNode items = listKey == null ? null : result.path(listKey);
        if (items == null || !items.isArray() && !items.isObject()) {
            printJson(out, result);
            return;
        }
        // A single object (GetX's answer) is a table of one row, so it reads like the list it came from.
        table(out, items.isArray() ? items : TandemClient.json().createArrayNode().add(items), columns);
        if (result.has("totalResults")) {
            out.println("(" + result.path("totalResults").asInt() + " in all)");
        }
    }

    static void printJson(PrintWriter out, JsonNode result) throws IOException {
        out.println(TandemClient.json().writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }

    /** The one table printer of the client commands: a header of {@code columns}' titles, then a line per item. */
    static void table(PrintWriter out, JsonNode items, Map<String, String> columns) {
        StringBuilder header = new StringBuilder();
        columns.forEach((title, field) -> header.append(String.format("%-24s", title)).append(' '));
        out.println(header.toString().stripTrailing());
        for (JsonNode item : items) {
            StringBuilder line = new StringBuilder();
            columns.forEach((title, field) -> {
                JsonNode v = item.path(field);
                String text = v.isMissingNode() || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
                line.append(String.format("%-24s", text)).append(' ');
            });
            out.println(line.toString().stripTrailing());
        }
    }

    /**
     * Prints a write's answer (a W, or {@code {results: [W]}} for several): each server's config diff, then
     * {@code done} after a real write or {@link #DRY_RUN_DONE} after a dry run; the answer itself with --json.
     */
    void printWrite(PrintWriter out, boolean dryRun, JsonNode result, String done) throws IOException {
        if (json) {
            printJson(out, result);
            return;
        }
        List<JsonNode> writes = new ArrayList<>();
        if (result.path("results").isArray()) {
            result.path("results").forEach(writes::add);
        } else {
            writes.add(result);
        }
        boolean anyDiff = false;
        for (JsonNode w : writes) {
            for (JsonNode d : w.path("changes")) {
                out.println("--- " + d.path("server").asText());
                out.println(d.path("diff").asText().stripTrailing());
                anyDiff = true;
            }
        }
        if (dryRun) {
            if (!anyDiff) {
                out.println("(no server configuration would change)");
            }
            out.println(DRY_RUN_DONE);
            return;
        }
        out.println(done);
    }
}
