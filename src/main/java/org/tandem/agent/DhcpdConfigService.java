package org.tandem.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tandem.common.UserError;
import org.tandem.dhcpd.DhcpdTarget;

/**
 * Reads and replaces dhcpd.conf safely: validate a temp copy with {@code dhcpd -t}, replace the file
 * atomically keeping numbered backups, restart dhcpd, and put the previous file back if dhcpd does
 * not come back.
 */
final class DhcpdConfigService {

    private static final Logger log = LoggerFactory.getLogger(DhcpdConfigService.class);
    private static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(120);
    private static final int MAX_INCLUDE_DEPTH = 8;
    private static final int MAX_INCLUDED_FILES = 64;
    /** dhcpd's {@code FILE line N: message} before the quoted line and its caret. */
    private static final Pattern ERROR_HEADER = Pattern.compile("^(.+?) line (\\d+): .*$");

    /** How long a text {@code dhcpd -t} accepted through {@link #check} counts as validated for {@link #write}. */
    static final Duration VALIDATED_FOR = Duration.ofMinutes(2);

    private final AgentSettings settings;
    private final DhcpdProcess dhcpd;
    private final Clock clock;
    private final Object writeLock = new Object();
    /** The last text {@code dhcpd -t} accepted through check, by SHA-256, and when. */
    private volatile Validated lastValidated;

    private record Validated(String sha256, Instant at) {}

    DhcpdConfigService(AgentSettings settings, DhcpdProcess dhcpd, Clock clock) {
        this.settings = settings;
        this.dhcpd = dhcpd;
        this.clock = clock;
    }

    AgentApi.ConfigView read() {
        Path conf = settings.confPath();
        byte[] bytes = readBytes(conf, "config");
        List<AgentApi.ConfigFile> includes = new ArrayList<>();
        Set<Path> seen = new LinkedHashSet<>();
        seen.add(conf.toAbsolutePath().normalize());
        collectIncludes(conf, decode(bytes, conf), 1, seen, includes);
        return new AgentApi.ConfigView(conf.toString(), decode(bytes, conf), sha256(bytes), includes);
    }

    private void collectIncludes(Path from, String text, int depth, Set<Path> seen, List<AgentApi.ConfigFile> out) {
        for (String target : includeTargets(text)) {
            // dhcpd resolves a relative include against its working directory; the agent cannot
            // know that directory, so it assumes the config file's own directory.
            Path p = from.toAbsolutePath().getParent().resolve(target).normalize();
            if (!seen.add(p)) {
                continue;
            }
            if (depth > MAX_INCLUDE_DEPTH || out.size() >= MAX_INCLUDED_FILES) {
                throw new UserError(UserError.Kind.INVALID_INPUT, "config",
                        "the config includes more than " + MAX_INCLUDED_FILES + " files or nests includes deeper than "
                                + MAX_INCLUDE_DEPTH + " levels; the agent stops there");
            }
            byte[] b = readBytes(p, "included file");
            String content = decode(b, p);
            out.add(new AgentApi.ConfigFile(p.toString(), content, sha256(b)));
            collectIncludes(p, content, depth + 1, seen, out);
        }
    }

    /**
     * Refuses a submitted config that includes, directly or through the files it includes, a file outside the
     * managed config's directory: dhcpd runs as root, reads any file it is told to and quotes its lines in
     * its errors, so {@code include "/etc/shadow";} sent to validate would read a secret for a token holder.
     * Paths are resolved through symlinks where the file exists, so a link in the directory cannot point out.
     */
    static void refuseIncludesOutside(Path conf, String text) {
        Path allowed = conf.toAbsolutePath().getParent().normalize();
        Path allowedReal;
        try {
            allowedReal = allowed.toRealPath();
        } catch (IOException e) {
            allowedReal = allowed;
        }
        Set<Path> seen = new LinkedHashSet<>();
        seen.add(conf.toAbsolutePath().normalize());
        refuseIncludesOutside(allowed, allowedReal, text, 1, seen);
    }

    private static void refuseIncludesOutside(Path allowed, Path allowedReal, String text, int depth, Set<Path> seen) {
        for (String target : includeTargets(text)) {
            // dhcpd resolves a relative include against its working directory, which for dhcpd -t here
            // is the config's directory; a real dhcpd started elsewhere is the operator's concern.
            Path p = allowed.resolve(target).normalize();
            Path real = p;
            if (Files.exists(p)) {
                try {
                    real = p.toRealPath();
                } catch (IOException e) {
                    real = p;
                }
            }
            if (!p.startsWith(allowed) || !(real.startsWith(allowedReal) || real.startsWith(allowed)) || p.equals(allowed)) {
                throw UserError.invalid("content", "include \"" + target + "\" names a file outside the managed config's directory "
                        + allowed + "; the agent accepts only includes of files in that directory");
            }
            if (!seen.add(real) || !Files.isRegularFile(real)) {
                continue; // a missing file is dhcpd's to report; a file seen before was checked then
            }
            if (depth >= MAX_INCLUDE_DEPTH || seen.size() > MAX_INCLUDED_FILES) {
                throw UserError.invalid("content", "the config includes more than " + MAX_INCLUDED_FILES
                        + " files or nests includes deeper than " + MAX_INCLUDE_DEPTH + " levels; the agent stops there");
            }
            String content;
            try {
                content = new String(Files.readAllBytes(real), StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                continue; // unreadable: dhcpd -t will say so
            }
            refuseIncludesOutside(allowed, allowedReal, content, depth + 1, seen);
        }
    }

    /**
     * The targets of {@code include "FILE";} statements. A tiny scan with dhcpd's lexical rules
     * (comments run from {@code #} to the line end, strings may hold {@code #}, {@code ;} and escaped
     * quotes) finds the keyword {@code include}, a quoted string and {@code ;} in a row.
     */
    static List<String> includeTargets(String text) {
        List<String> targets = new ArrayList<>();
        // The last two tokens seen: 0 nothing useful, 1 saw "include", 2 saw "include" "FILE".
        int state = 0;
        String target = null;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '#') {
                while (i < n && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                StringBuilder sb = new StringBuilder();
                i++;
                while (i < n && text.charAt(i) != '"') {
                    if (text.charAt(i) == '\\' && i + 1 < n) {
                        i++;
                    }
                    sb.append(text.charAt(i++));
                }
                i++;
                target = sb.toString();
                state = state == 1 ? 2 : 0;
            } else if (c == ';' || c == '{' || c == '}') {
                if (c == ';' && state == 2) {
                    targets.add(target);
                }
                state = 0;
                i++;
            } else {
                int start = i;
                while (i < n && !Character.isWhitespace(text.charAt(i)) && "#\";{}".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                state = text.regionMatches(true, start, "include", 0, 7) && i - start == 7 ? 1 : 0;
            }
        }
        return targets;
    }

    /**
     * Runs {@code dhcpd -t} on a text without writing the config: Central's change engine checks every
     * server of a change before it writes any of them.
     */
    AgentApi.ValidateConfigResult check(AgentApi.ValidateConfigRequest request) {
        if (request == null || request.content() == null) {
            throw UserError.invalid("content", "is required: the full text of the dhcpd.conf to check");
        }
        if (request.content().indexOf('\0') >= 0) {
            throw UserError.invalid("content", "contains a NUL character, which no dhcpd.conf may hold");
        }
        byte[] content = request.content().getBytes(StandardCharsets.UTF_8);
        Path conf = realPath(settings.confPath());
        refuseIncludesOutside(conf, request.content());
        validate(conf, content);
        lastValidated = new Validated(sha256(content), clock.instant());
        return new AgentApi.ValidateConfigResult(true);
    }

    AgentApi.WriteConfigResult write(AgentApi.WriteConfigRequest request) throws InterruptedException {
        if (request == null || request.content() == null) {
            throw UserError.invalid("content", "is required: the full text of the new dhcpd.conf");
        }
        if (request.content().indexOf('\0') >= 0) {
            throw UserError.invalid("content", "contains a NUL character, which no dhcpd.conf may hold");
        }
        if (request.expectedSha256() != null && !request.expectedSha256().matches("[0-9a-f]{64}")) {
            throw UserError.invalid("expectedSha256", "must be 64 lower-case hex digits (the SHA-256 of the current file)");
        }
        byte[] next = request.content().getBytes(StandardCharsets.UTF_8);
        synchronized (writeLock) {
            // Replace the file a symlinked dhcpd.conf points at, not the link itself.
            Path conf = realPath(settings.confPath());
            refuseIncludesOutside(conf, request.content());
            byte[] current = readBytes(conf, "config");
            String currentSha = sha256(current);
            if (request.expectedSha256() != null && !request.expectedSha256().equals(currentSha)) {
                throw new AgentError(UserError.Kind.CONFLICT, "expectedSha256",
                        "dhcpd.conf changed since it was read (its SHA-256 is now " + currentSha
                                + "); read it again and reapply the change",
                        Map.of("currentSha256", currentSha));
            }
            if (justValidated(next, request.content())) {
                log.info("{} passed dhcpd -t moments ago (same bytes); not checking it twice", conf);
            } else {
                validate(conf, next);
            }
            String backup = backupAndReplace(conf, current, next);
            log.info("replaced {} (sha256 {} -> {}), previous kept as {}", conf, currentSha, sha256(next), backup);
            DhcpdProcess.Restart restart = dhcpd.restartAndAwait(DhcpdTarget.declaredPeers(request.content()));
            if (restart.failure() == null) {
                return new AgentApi.WriteConfigResult(sha256(next), currentSha, backup.toString(), restart.output());
            }
            throw rollBack(conf, current, restart.failure(), restart.output());
        }
    }

    private AgentError rollBack(Path conf, byte[] previous, String failure, String restartOutput) throws InterruptedException {
        log.warn("{}; restoring the previous {}", failure, conf);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("restartOutput", restartOutput);
        try {
            AtomicFiles.replace(conf, previous);
            details.put("restored", true);
        } catch (IOException e) {
            details.put("restored", false);
            return new AgentError(UserError.Kind.SERVER_REFUSED, "content", failure
                    + ". Restoring the previous config ALSO failed (" + e.getMessage() + "); the new config is still in "
                    + conf + " and the previous one is the newest backup", details);
        }
        DhcpdProcess.Restart again = dhcpd.restartAndAwait(DhcpdTarget.declaredPeers(new String(previous, StandardCharsets.UTF_8)));
        details.put("restartAfterRestoreOutput", again.output());
        String why = again.failure();
        details.put("runningAfterRestore", why == null);
        String outcome = why == null
                ? "The previous config was restored and dhcpd is running on it again."
                : "The previous config was restored, but dhcpd is not running on it either: " + why + ".";
        return new AgentError(UserError.Kind.SERVER_REFUSED, "content",
                "The new config passed dhcpd -t but " + failure + ". " + outcome, details);
    }

    /**
     * Whether {@code dhcpd -t} accepted exactly these bytes through {@link #check} within
     * {@link #VALIDATED_FOR}: Central's change engine validates every server before it writes any,
     * and a second {@code dhcpd -t} of thousands of scopes costs a second for nothing. Only for a text
     * without {@code include}: an included file may have changed in between, the text cannot show it.
     */
    private boolean justValidated(byte[] content, String text) {
        Validated v = lastValidated;
        return v != null && v.sha256().equals(sha256(content))
                && Duration.between(v.at(), clock.instant()).compareTo(VALIDATED_FOR) <= 0
                && includeTargets(text).isEmpty();
    }

    /** Runs {@code dhcpd -t} on a temp copy next to the real file; refuses with dhcpd's own words. */
    private void validate(Path conf, byte[] content) {
        Path dir = conf.toAbsolutePath().getParent();
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + conf.getFileName() + ".check-", ".tmp");
            Files.write(temp, content);
            CommandRunner.Result r = CommandRunner.run(
                    List.of(settings.dhcpdBinary(), "-4", "-t", "-cf", temp.toString()), dir, VALIDATE_TIMEOUT);
            if (!r.ok()) {
                String message = redactOtherFiles(dhcpdErrors(r.output()), temp.toString(), dir.normalize()).replace(temp.toString(), conf.toString());
                throw new AgentError(UserError.Kind.SERVER_REFUSED, "content",
                        r.timedOut() ? "dhcpd -t did not finish within " + VALIDATE_TIMEOUT.toSeconds() + " s; nothing was written"
                                : "dhcpd -t refused the config; nothing was written:\n" + message,
                        Map.of("dhcpdOutput", message));
            }
        } catch (IOException e) {
            throw new UserError(UserError.Kind.SERVER_REFUSED, "content",
                    "could not write a temp copy next to " + conf + " to check it: " + e.getMessage());
        } finally {
            AtomicFiles.deleteQuietly(temp);
        }
    }

    /** dhcpd's error lines ({@code FILE line N: ...}, the source line, the caret), without its banner and bug-report plea. */
    static String dhcpdErrors(String output) {
        List<String> lines = output.lines().toList();
        int start = -1;
        int end = lines.size();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (start < 0 && (l.contains(" line ") || l.startsWith("ERROR") || l.contains("sanity check"))) {
                start = i;
            }
            if (l.startsWith("Configuration file errors encountered") || l.startsWith("If you think you have received")) {
                end = l.startsWith("Configuration") ? i + 1 : i;
                break;
            }
        }
        if (start < 0) {
            return output.strip();
        }
        return String.join("\n", lines.subList(start, Math.max(start + 1, end))).strip();
    }

    /**
     * dhcpd quotes the offending line of whatever file it read, with a caret under it, and its message may
     * hold a token of that line. Errors in the submitted text ({@code submitted}, the temp copy) keep their
     * words and quoted lines. For an included file in {@code allowedDir} (which {@code GET /v1/config}
     * serves anyway) the message stays, as "lease X is declared twice" is what the operator needs, but not
     * the quoted lines; for any other file only its name and line number stay, so no file elsewhere on the
     * agent's host is read back through an error.
     */
    static String redactOtherFiles(String errors, String submitted, Path allowedDir) {
        StringBuilder out = new StringBuilder();
        boolean hiding = false;
        for (String line : errors.lines().toList()) {
            Matcher m = ERROR_HEADER.matcher(line);
            if (m.matches()) {
                String file = m.group(1);
                hiding = !file.equals(submitted);
                boolean inside = allowedDir.resolve(file).normalize().startsWith(allowedDir);
                out.append(!hiding || inside ? line : file + " line " + m.group(2) + ": an error in a file outside "
                        + allowedDir + " (its text is not shown)").append('\n');
            } else if (line.startsWith("Configuration file errors encountered")) {
                hiding = false;
                out.append(line).append('\n');
            } else if (!hiding) {
                out.append(line).append('\n');
            }
        }
        return out.toString().strip();
    }

    /** Keeps {@code current} as backup 1 (shifting older ones up, dropping the oldest) and puts {@code next} in place. */
    private String backupAndReplace(Path conf, byte[] current, byte[] next) {
        try {
            Path backup = keepAsBackup(conf, current, settings.keepBackups());
            AtomicFiles.replace(conf, next);
            return backup.toString();
        } catch (IOException e) {
            throw new UserError(UserError.Kind.SERVER_REFUSED, "content",
                    "could not replace " + conf + ": " + e.getMessage() + "; the file was left as it was");
        }
    }

    /** Writes {@code current} as backup 1 of {@code conf}, shifting older ones up and dropping the one past {@code keep}. */
    static Path keepAsBackup(Path conf, byte[] current, int keep) throws IOException {
        for (int i = keep; i >= 1; i--) {
            Path from = backupPath(conf, i);
            if (i == keep) {
                Files.deleteIfExists(from);
            } else if (Files.exists(from)) {
                Files.move(from, backupPath(conf, i + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path backup = backupPath(conf, 1);
        AtomicFiles.writeDurably(backup, current);
        return backup;
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (NoSuchFileException e) {
            throw new UserError(UserError.Kind.NOT_FOUND, null, "the config " + p + " does not exist");
        } catch (IOException e) {
            throw new UserError(UserError.Kind.SERVER_REFUSED, null, "cannot resolve the config path " + p + ": " + e.getMessage());
        }
    }

    static Path backupPath(Path conf, int n) {
        return conf.resolveSibling(conf.getFileName() + ".tandem-" + n);
    }

    private static byte[] readBytes(Path p, String what) {
        try {
            return Files.readAllBytes(p);
        } catch (NoSuchFileException e) {
            throw new UserError(UserError.Kind.NOT_FOUND, null, "the " + what + " " + p + " does not exist");
        } catch (IOException e) {
            throw new UserError(UserError.Kind.SERVER_REFUSED, null, "cannot read the " + what + " " + p + ": " + e.getMessage());
        }
    }

    private static String decode(byte[] b, Path p) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new UserError(UserError.Kind.INVALID_INPUT, null,
                    p + " is not valid UTF-8; the agent transfers configs as text and will not guess the encoding");
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
