package org.tandem.dhcpd.conf;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs the real {@code /usr/sbin/dhcpd -t} on a config in a fresh temp dir, and deletes the dir after. */
final class RealDhcpd {

    static final Path DHCPD = Path.of("/usr/sbin/dhcpd");

    /** dhcpd's exit code and everything it printed. */
    record Result(int exitCode, String output) {
        boolean ok() {
            return exitCode == 0;
        }
    }

    private RealDhcpd() {
    }

    /** Skips locally when dhcpd is missing; fails on CI, where scripts/install-deps must have installed it. */
    static void requireInstalled() {
        if ("true".equals(System.getenv("CI"))) {
            if (!Files.isExecutable(DHCPD)) {
                throw new AssertionError("CI=true but " + DHCPD + " is missing; run scripts/install-deps");
            }
        }
        assumeTrue(Files.isExecutable(DHCPD), DHCPD + " is not installed");
    }

    /** {@code dhcpd -t -cf FILE} with the working directory holding {@code extraFiles} (for relative includes). */
    static Result syntaxCheck(String conf, Path... extraFiles) {
        requireInstalled();
        Path dir = null;
        try {
            dir = Files.createTempDirectory("tandem-dhcpd-t-");
            Path file = dir.resolve("dhcpd.conf");
            Files.write(file, conf.getBytes(StandardCharsets.ISO_8859_1));
            for (Path extra : extraFiles) {
                Files.copy(extra, dir.resolve(extra.getFileName()));
            }
            Process p = new ProcessBuilder(DHCPD.toString(), "-t", "-cf", file.toString())
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("dhcpd -t did not finish in 60 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } finally {
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
