package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.Main;

class AgentCommandTest {

    @TempDir
    Path dir;

    private int run(String... args) {
        return Main.commandLine().execute(args);
    }

    private String stderrOf(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true));
        try {
            assertThat(run(args)).isNotZero();
        } finally {
            System.setErr(old);
        }
        return buf.toString();
    }

    @Test
    void agent_shortToken_refusesToStartNamingTheOption() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "short\n");
        assertThat(stderrOf("agent", "--conf", conf.toString(), "--restart-command", "true", "--pid-file", "/run/dhcpd.pid",
                "--token-file", token.toString())).contains("--token-file").contains("16");
    }

    @Test
    void agent_badListenAddress_refusesToStartNamingTheOption() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        assertThat(stderrOf("agent", "--listen", "localhost", "--conf", conf.toString(), "--restart-command", "true",
                "--pid-file", "/run/dhcpd.pid", "--token-file", token.toString())).contains("--listen").contains("HOST:PORT");
    }

    @Test
    void agent_noWayToSeeDhcpdRunning_refusesToStart() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        assertThat(stderrOf("agent", "--conf", conf.toString(), "--restart-command", "true", "--token-file", token.toString()))
                .contains("--omapi or --pid-file");
    }

    @Test
    void agent_keyFileWithWrongAlgorithm_refusesToStart() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        Path key = Files.writeString(dir.resolve("omapi.key"), "key k { algorithm hmac-sha512; secret \"c2VjcmV0\"; };\n");
        assertThat(stderrOf("agent", "--conf", conf.toString(), "--restart-command", "true", "--token-file", token.toString(),
                "--omapi", "127.0.0.1:7911", "--omapi-key-file", key.toString())).contains("hmac-sha512");
    }

    @Test
    void agent_tlsCertWithoutKey_orBothTlsModes_refusesToStartNamingTheOption() throws Exception {
        Path conf = Files.writeString(dir.resolve("dhcpd.conf"), "");
        Path token = Files.writeString(dir.resolve("token"), "a-long-enough-token-value\n");
        String[] base = {"agent", "--conf", conf.toString(), "--restart-command", "true", "--pid-file", "/run/dhcpd.pid",
                "--token-file", token.toString()};
        assertThat(stderrOf(concat(base, "--tls-cert", dir.resolve("cert.pem").toString()))).contains("--tls-key").contains("go together");
        assertThat(stderrOf(concat(base, "--tls-self-signed", dir.toString(), "--tls-cert", dir.resolve("c.pem").toString(),
                "--tls-key", dir.resolve("k.pem").toString()))).contains("--tls-self-signed").contains("not both");
        assertThat(stderrOf(concat(base, "--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString())))
                .contains("--tls-cert: ").contains("does not exist");
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
