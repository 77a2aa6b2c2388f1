package org.tandem.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.tandem.cli.TandemClient;

/**
 * {@code tandem lab} as a user runs it, in a child JVM: it comes up with scopes and a relationship on each pair,
 * and Ctrl-C (SIGINT) leaves nothing behind: no process it started, no namespace, no temp directory.
 */
class LabCommandIT {

    private static final Duration START_DEADLINE = Duration.ofSeconds(150);
    private static final String PASSWORD = "lab-test-password";

    @Test
    void lab_startThenCtrlC_servesScopesAndRelationshipsThenLeavesNothingBehind() throws Exception {
        boolean usable = "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/sbin/dhcpd"))
                && Files.isExecutable(Path.of("/usr/sbin/kea-dhcp4"));
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(usable, "needs root, dhcpd and Kea (scripts/install-deps)");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "org.tandem.Main", "lab", "--port", "0")
                .redirectErrorStream(true);
        pb.environment().put("TANDEM_ADMIN_PASSWORD", PASSWORD);
        Process lab = pb.start();
        List<String> output = new ArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(lab.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                }
            } catch (IOException ignored) {
                // The process ended.
            }
        });
        List<ProcessHandle> children = new ArrayList<>();
        try {
            String text = awaitLine(output, lab, "Press Ctrl-C");
            String url = find(text, "Central:\\s+(\\S+)");
            assertThat(find(text, "Login:\\s+(.*)")).isEqualTo("administrator / the password in TANDEM_ADMIN_PASSWORD");
            // Each server's line says what the store holds for it (the partner of the one synced first used to read 0).
            for (String server : List.of("lab-dhcpd-a", "lab-dhcpd-b", "lab-server1", "lab-server2")) {
                assertThat(find(text, "Imported " + server + ": (\\d+) scope")).as(server).isEqualTo("2");
            }
            List<String> namespaces = List.of(find(text, "namespaces (\\S+) and"), find(text, "namespaces \\S+ and (\\S+),"));
            List<Path> dirs = List.of(Path.of(find(text, "dhcpd:.*temp dir (\\S+)")), Path.of(find(text, "Kea:.*temp dir (\\S+)")),
                    Path.of(find(text, "Data:\\s+(\\S+)")));
            assertThat(netns()).containsAll(namespaces);
            dirs.forEach(d -> assertThat(d).isDirectory());

            TandemClient client = new TandemClient(URI.create(url), null);
            client.login("administrator", PASSWORD);
            assertThat(client.call("GetDHCPScopes", TandemClient.params()).path("totalResults").asInt()).isEqualTo(8);
            assertThat(client.call("GetDHCPServers", TandemClient.params()).path("totalResults").asInt()).isEqualTo(4);
            assertThat(client.call("GetDHCPAddressPools", TandemClient.params()).path("totalResults").asInt()).isGreaterThanOrEqualTo(8);

            lab.descendants().forEach(children::add);
            children.addAll(dhcpdProcesses(dirs.get(0)));
            assertThat(children).hasSizeGreaterThanOrEqualTo(4);

            new ProcessBuilder("kill", "-INT", Long.toString(lab.pid())).start().waitFor(10, TimeUnit.SECONDS);
            if (!lab.waitFor(60, TimeUnit.SECONDS)) {
                // What it was doing instead of stopping: its threads and its own last words.
                Process dump = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(), Long.toString(lab.pid()))
                        .redirectErrorStream(true).start();
                String threads = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                synchronized (output) {
                    throw new AssertionError("lab did not stop within 60 s of Ctrl-C; its output:\n" + String.join("\n", output)
                            + "\nits threads:\n" + threads);
                }
            }
            reader.join(5_000);
            synchronized (output) {
                assertThat(output).contains("Tandem lab stopped; nothing left behind.");
            }
            for (ProcessHandle child : children) {
                assertThat(child.isAlive()).as("process " + child.pid() + " " + child.info().commandLine().orElse("")).isFalse();
            }
            assertThat(netns()).doesNotContainAnyElementsOf(namespaces);
            dirs.forEach(d -> assertThat(d).doesNotExist());
        } finally {
            if (lab.isAlive()) {
                lab.destroy();
                lab.waitFor(60, TimeUnit.SECONDS);
                lab.destroyForcibly();
            }
            children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String awaitLine(List<String> output, Process p, String marker) throws InterruptedException {
        Instant end = Instant.now().plus(START_DEADLINE);
        while (Instant.now().isBefore(end)) {
            synchronized (output) {
                if (output.stream().anyMatch(l -> l.contains(marker))) {
                    return String.join("\n", output);
                }
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(250);
        }
        synchronized (output) {
            throw new AssertionError("tandem lab did not print \"" + marker + "\"; output:\n" + String.join("\n", output));
        }
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("output matches " + regex + ":\n" + text).isTrue();
        return m.group(1);
    }

    private static List<String> netns() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out.lines().map(l -> l.split(" ")[0]).toList();
    }

    /** dhcpd runs detached from the lab (its restart script starts it), so find it by its config path. */
    private static List<ProcessHandle> dhcpdProcesses(Path labDir) {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().commandLine().map(c -> c.contains("dhcpd") && c.contains(labDir.toString())).orElse(false))
                .toList();
    }
}
