package org.tandem.agent;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command with a time limit and keeps the start of its output.
 *
 * <p>Output goes to a temp file, not a pipe: a restart command that leaves dhcpd running in the
 * background would hand the pipe to dhcpd, and reading it to the end would then never finish.
 */
final class CommandRunner {

    static final int MAX_OUTPUT_CHARS = 8 * 1024;

    /** How a command ended. {@code exitCode} is -1 when it was killed for running too long. */
    record Result(int exitCode, String output, boolean timedOut) {
        boolean ok() {
            return exitCode == 0 && !timedOut;
        }
    }

    private CommandRunner() {}

    static Result run(List<String> command, Path workDir, Duration timeout) {
        Path out = null;
        try {
            out = Files.createTempFile("tandem-cmd-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            if (workDir != null) {
                pb.directory(workDir.toFile());
            }
            Process p = pb.start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return new Result(finished ? p.exitValue() : -1, head(out), !finished);
        } catch (IOException e) {
            return new Result(127, "could not run " + command.get(0) + ": " + e.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted", true);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
    }

    private static String head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(MAX_OUTPUT_CHARS);
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
