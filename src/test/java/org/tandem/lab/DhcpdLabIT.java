package org.tandem.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tandem.testing.RealServers;

/** DhcpdLab leaves nothing behind: processes, namespaces, links and files are gone after close(), twice. */
class DhcpdLabIT {

    @Test
    void close_afterStart_removesProcessesNamespacesLinksAndFilesAndIsIdempotent() throws Exception {
        RealServers.assumeDhcpd();
        List<Long> pids = new ArrayList<>();
        List<String> namespaces = new ArrayList<>();
        List<String> links;
        Path dir;
        DhcpdLab lab = DhcpdLab.start();
        try {
            for (DhcpdLab.Server s : lab.servers()) {
                lab.omapi(s).close(); // reachable from the root namespace through the bridge
                pids.add(Long.parseLong(Files.readString(s.pidFile()).strip()));
                namespaces.add(s.namespace());
            }
            links = lab.rootLinks();
            dir = lab.dir();
            assertThat(sh("ip", "netns", "list")).contains(namespaces.get(0), namespaces.get(1));
            assertThat(lab.rootAddress()).startsWith("198.1").endsWith(".254");
            lab.close();
            lab.close();
        } finally {
            lab.close();
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("dhcpd pid %d", pid).isFalse();
        }
        String netns = sh("ip", "netns", "list");
        assertThat(namespaces).noneMatch(netns::contains);
        String linkList = sh("ip", "-o", "link", "show");
        assertThat(links).isNotEmpty().noneMatch(l -> linkList.contains(" " + l + ":") || linkList.contains(" " + l + "@"));
        assertThat(dir).doesNotExist();
    }

    private static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
