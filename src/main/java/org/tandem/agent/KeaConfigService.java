package org.tandem.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.change.ServerDiff;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaEndpoint;
import org.tandem.kea.client.KeaResponse;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigPatch;
import org.tandem.kea.text.KeaConfigText;

/**
 * The Kea side of the agent: forwards control commands to kea-dhcp4's unix socket, and edits Kea's config file in
 * place so nothing is lost (comments, includes, values left to inherit), which Kea's own config-write cannot do: it
 * writes the running config back, with every derived value pinned into each subnet.
 *
 * <p>A patch is applied as text, checked with {@code kea-dhcp4 -t} on copies beside the files and with config-test,
 * written atomically keeping each previous file as a numbered backup (the dhcpd agent's scheme), then loaded with
 * config-reload. Any failure after the write puts the previous files back and reloads them.
 */
final class KeaConfigService {

    private static final Logger log = LoggerFactory.getLogger(KeaConfigService.class);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern COMMAND_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}");
    /** Commands that would make the running config and the file differ, or rewrite the file losing what it keeps. */
    private static final Map<String, String> REFUSED_COMMANDS = Map.of(
            "config-write", "rewrites the config file from the running config and loses its comments, includes and inherited values",
            "config-set", "changes the running config without the file, which the next config-reload or restart then undoes");

    private final AgentSettings settings;
    private final KeaAgentSettings kea;
    private final KeaClient socket;
    private final ObjectMapper json = AgentJson.mapper();
    private final Object patchLock = new Object();

    KeaConfigService(AgentSettings settings) {
        this.settings = settings;
        this.kea = settings.kea();
        this.socket = new KeaClient("kea-dhcp4", new KeaEndpoint.UnixSocket(kea.controlSocket(), kea.commandTimeout()));
    }

    /** Whether kea-dhcp4 answers on its socket, and its version or why not. */
    AgentApi.KeaHealthView health() {
        try {
            KeaResponse r = socket.ok("version-get", null, false);
            return new AgentApi.KeaHealthView(true, "kea-dhcp4 " + r.text() + " answers on " + kea.controlSocket());
        } catch (UserError e) {
            return new AgentApi.KeaHealthView(false, e.getMessage());
        }
    }

    /** Sends one command ({@code {"command", "arguments"}}, a {@code service} is ignored) to the socket; Kea's answer as it came. */
    byte[] command(byte[] body) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (JsonProcessingException e) {
            throw UserError.invalid("body", "is not valid JSON (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException e) {
            throw UserError.invalid("body", "could not be read");
        }
        if (request == null || !request.isObject()) {
            throw UserError.invalid("body", "must be a Kea command object: {\"command\": \"...\", \"arguments\": {...}}");
        }
        for (Iterator<String> it = request.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!Set.of("command", "arguments", "service").contains(f)) {
                throw UserError.invalid(f, "is not a field of a Kea command; allowed: arguments, command, service");
            }
        }
        JsonNode c = request.get("command");
        if (c == null || !c.isTextual() || !COMMAND_NAME.matcher(c.asText()).matches()) {
            throw UserError.invalid("command", "must be a Kea command name such as \"config-get\" (lower-case letters, digits and '-')");
        }
        String command = c.asText();
        if (REFUSED_COMMANDS.containsKey(command)) {
            throw UserError.invalid("command", command + " " + REFUSED_COMMANDS.get(command)
                    + "; this agent edits the file itself: POST /v1/kea/config/patch");
        }
        JsonNode arguments = request.get("arguments");
        if (arguments != null && !arguments.isObject()) {
            throw UserError.invalid("arguments", "must be an object");
        }
        try {
            return socket.rawExchange(command, arguments);
        } catch (IOException e) {
            throw UserError.unreachable("kea-dhcp4 does not answer on its control socket " + kea.controlSocket() + " ("
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")", null);
        }
    }

    /** Applies a patch to the config file(s): text edit, kea-dhcp4 -t, config-test, atomic write with backups, config-reload. */
    AgentApi.KeaPatchResult patch(AgentApi.KeaPatchRequest request) {
        if (request == null || request.patch() == null) {
            throw UserError.invalid("patch", "is required: the list of operations (KeaConfigPatch)");
        }
        if (request.expectedSha256() != null && !request.expectedSha256().matches("[0-9a-f]{64}")) {
            throw UserError.invalid("expectedSha256", "must be 64 lower-case hex digits (the canonical SHA-256 of config-get), or null");
        }
        KeaConfigPatch patch = KeaConfigPatch.fromJson("patch", request.patch());
        boolean dryRun = Boolean.TRUE.equals(request.dryRun());
        synchronized (patchLock) {
            if (request.expectedSha256() != null) {
                String running = runningHash();
                if (!running.equals(request.expectedSha256())) {
                    throw new AgentError(UserError.Kind.CONFLICT, "expectedSha256", "Kea runs another configuration than the one the change "
                            + "was planned on (its SHA-256 is now " + running + "); read it again and plan the change again",
                            Map.of("currentSha256", running));
                }
            }
            KeaConfigText original = step("read", () -> KeaConfigText.load(kea.configFile()));
            KeaConfigText edited = step("edit", () -> original.apply(patch));
            Set<Path> changed = edited.changedSince(original);
            List<AgentApi.KeaFileDiff> diffs = new ArrayList<>();
            for (Path p : changed) {
                diffs.add(new AgentApi.KeaFileDiff(p.toString(),
                        ServerDiff.between(p.toString(), original.files().get(p), edited.files().get(p)).unifiedDiff()));
            }
            if (changed.isEmpty()) {
                return new AgentApi.KeaPatchResult(dryRun, diffs, List.of(), null);
            }
            checkWithKeaDhcp4(edited, changed);
            configTest(edited);
            if (dryRun) {
                return new AgentApi.KeaPatchResult(true, diffs, List.of(), null);
            }
            List<String> backups = write(original, edited, changed);
            String reloaded = reload(original, changed);
            log.info("applied a patch of {} operations to {} ({} file(s) changed) and reloaded Kea", patch.ops().size(),
                    kea.configFile(), changed.size());
            return new AgentApi.KeaPatchResult(false, diffs, backups, reloaded);
        }
    }

    private String runningHash() {
        KeaClient.Streamed<KeaConfig> s = socket.call("config-get", null, p -> KeaConfig.fromKea(p, Instant.now()));
        s.envelope().requireSuccess(false);
        if (s.value() == null) {
            throw UserError.unreachable("kea-dhcp4 answered config-get without a configuration", null);
        }
        return s.value().hash();
    }

    /** Runs {@code body}; a refusal is reported naming the step. */
    private static <T> T step(String step, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (UserError e) {
            String what = switch (step) {
                case "read" -> "the config file cannot be read";
                case "edit" -> "the change cannot be made in the config file";
                default -> step + " failed";
            };
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("step", step);
            UserError.Kind kind = e.kind() == UserError.Kind.INVALID_INPUT ? UserError.Kind.SERVER_REFUSED : e.kind();
            throw new AgentError(kind, e.field(), what + "; nothing was written: " + e.getMessage(), details);
        }
    }

    /**
     * {@code kea-dhcp4 -t} on copies of the changed files and of every file that includes one of them (pointing at
     * each other's copies), beside the originals and run in the main file's directory, so relative includes resolve.
     */
    private void checkWithKeaDhcp4(KeaConfigText edited, Set<Path> changed) {
        Set<Path> copies = new LinkedHashSet<>(changed);
        boolean grew = true;
        while (grew) {
            grew = false;
            for (KeaConfigText.Include i : edited.includes()) {
                if (copies.contains(i.resolved()) && copies.add(i.file())) {
                    grew = true;
                }
            }
        }
        Map<Path, Path> temp = new LinkedHashMap<>();
        try {
            for (Path p : copies) {
                temp.put(p, Files.createTempFile(p.getParent(), "." + p.getFileName() + ".tandem-check-", ".tmp"));
            }
            for (Path p : copies) {
                Files.writeString(temp.get(p), edited.textWithIncludes(p, temp::get), StandardCharsets.UTF_8);
            }
            Path main = edited.main();
            Path checked = temp.getOrDefault(main, main);
            CommandRunner.Result r = CommandRunner.run(List.of(kea.keaDhcp4(), "-t", checked.toString()), main.getParent(), CHECK_TIMEOUT);
            if (!r.ok()) {
                String output = keaErrors(r.output());
                for (Map.Entry<Path, Path> e : temp.entrySet()) {
                    output = output.replace(e.getValue().toString(), e.getKey().toString());
                }
                throw refused("kea-dhcp4 -t", r.timedOut() ? "kea-dhcp4 -t did not finish within " + CHECK_TIMEOUT.toSeconds() + " s"
                        : "kea-dhcp4 -t refused the changed config", output);
            }
        } catch (IOException e) {
            throw refused("kea-dhcp4 -t", "could not write a copy beside " + kea.configFile() + " to check it", e.getMessage());
        } finally {
            temp.values().forEach(AtomicFiles::deleteQuietly);
        }
    }

    private void configTest(KeaConfigText edited) {
        KeaResponse r = socket.call("config-test", edited.meaning());
        if (!r.isSuccess()) {
            throw refused("config-test", "Kea's config-test refused the changed config", r.text());
        }
    }

    /** Keeps each changed file's previous version as backup 1 and replaces it; on a failure puts back what was replaced. */
    private List<String> write(KeaConfigText original, KeaConfigText edited, Set<Path> changed) {
        List<String> backups = new ArrayList<>();
        List<Path> done = new ArrayList<>();
        try {
            for (Path p : changed) {
                backups.add(DhcpdConfigService.keepAsBackup(p, original.files().get(p).getBytes(StandardCharsets.UTF_8),
                        settings.keepBackups()).toString());
                AtomicFiles.replaceKeepingOwner(p, edited.files().get(p).getBytes(StandardCharsets.UTF_8));
                done.add(p);
            }
            return backups;
        } catch (IOException e) {
            String restoredNote = restore(original, done);
            throw refused("write", "could not replace the config file(s): " + e.getMessage() + restoredNote, null);
        }
    }

    private String reload(KeaConfigText original, Set<Path> changed) {
        String failure;
        try {
            KeaResponse r = socket.call("config-reload", null);
            if (r.isSuccess()) {
                return r.text();
            }
            failure = r.text();
        } catch (UserError e) {
            failure = e.getMessage();
        }
        String restoredNote = restore(original, new ArrayList<>(changed));
        String again;
        try {
            KeaResponse r = socket.call("config-reload", null);
            again = r.isSuccess() ? " Kea reloaded the previous file(s)." : " Reloading the previous file(s) failed too: " + r.text();
        } catch (UserError e) {
            again = " Reloading the previous file(s) failed too: " + e.getMessage();
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("step", "config-reload");
        details.put("keaText", failure);
        throw new AgentError(UserError.Kind.SERVER_REFUSED, "patch", "Kea's config-reload refused the changed file(s): " + failure
                + restoredNote + again, details);
    }

    /** Puts the original text of each of {@code files} back; a note for the error message. */
    private String restore(KeaConfigText original, List<Path> files) {
        List<String> failed = new ArrayList<>();
        for (Path p : files) {
            try {
                AtomicFiles.replaceKeepingOwner(p, original.files().get(p).getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                failed.add(p + " (" + e.getMessage() + ")");
            }
        }
        if (files.isEmpty()) {
            return "; nothing was replaced";
        }
        return failed.isEmpty() ? "; the previous file(s) were put back"
                : "; putting back the previous file(s) FAILED for " + String.join(", ", failed) + ": the previous versions are the newest backups";
    }

    private static AgentError refused(String step, String what, String keaText) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("step", step);
        if (keaText != null) {
            details.put("keaText", keaText);
        }
        return new AgentError(UserError.Kind.SERVER_REFUSED, "patch", what + "; nothing was written"
                + (keaText == null || keaText.isBlank() ? "" : ":\n" + keaText), details);
    }

    /** kea-dhcp4 -t's error lines, without the INFO lines it logs on the way. */
    static String keaErrors(String output) {
        List<String> lines = output.lines().filter(l -> !l.contains(" INFO ") && !l.contains(" DEBUG ") && !l.isBlank()).toList();
        return (lines.isEmpty() ? output : String.join("\n", lines)).strip();
    }
}
