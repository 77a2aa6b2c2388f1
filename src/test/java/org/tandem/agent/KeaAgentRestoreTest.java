package org.tandem.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandem.common.UserError;
import org.tandem.kea.config.KeaConfigPatch;
import org.tandem.testing.RealServers;

/**
 * What the Kea agent does when Kea refuses the change only at config-reload, after the files were written: a real
 * {@code kea-dhcp4 -t} checks the file, and a small stand-in for kea-dhcp4's control socket refuses the first
 * config-reload (a real kea-dhcp4 that accepts config-test refuses a reload only in races: a file edited meanwhile,
 * a socket or interface gone), which cannot be staged reliably with the real daemon.
 */
class KeaAgentRestoreTest {

    private static final String TOKEN = "kea-agent-restore-token-0123";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> commands = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    /** Answers config-test with success and the first config-reload with a refusal, each connection one command. */
    private Path fakeSocket() throws IOException {
        Path path = dir.resolve("kea4.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        AtomicInteger reloads = new AtomicInteger();
        Thread t = new Thread(() -> {
            while (server.isOpen()) {
                try (SocketChannel c = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(1 << 20);
                    JsonNode request = null;
                    while (request == null && c.read(in) >= 0) {
                        try {
                            request = JSON.readTree(new String(in.array(), 0, in.position(), StandardCharsets.UTF_8));
                        } catch (IOException incomplete) {
                            // read on
                        }
                    }
                    String command = request == null ? "" : request.path("command").asText();
                    commands.add(command);
                    String answer = command.equals("config-reload") && reloads.getAndIncrement() == 0
                            ? "{\"result\": 1, \"text\": \"Config reload failed: the interface went away\"}"
                            : "{\"result\": 0, \"text\": \"ok\"}";
                    c.write(ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)));
                } catch (IOException closed) {
                    return;
                }
            }
        }, "fake-kea-socket");
        t.setDaemon(true);
        t.start();
        open.add(server);
        return path;
    }

    @Test
    void configReloadRefused_afterTheWrite_putsTheFilesBackAndReloadsThem() throws Exception {
        RealServers.assumeKea();
        String original = "# lab\n{\n    \"Dhcp4\": {\n        \"valid-lifetime\": 600 // inherited\n    }\n}\n";
        Path conf = Files.writeString(dir.resolve("kea-dhcp4.conf"), original);
        AgentServer agent = new AgentServer(AgentSettings.forKea("127.0.0.1", 0, KeaAgentSettings.of(conf, fakeSocket()), TOKEN, 2),
                Clock.systemUTC()).start();
        open.add(0, agent);
        KeaConfigPatch patch = new KeaConfigPatch(List.of(new KeaConfigPatch.SetMember(List.of(new KeaConfigPatch.Member("Dhcp4")),
                "renew-timer", JSON.getNodeFactory().numberNode(300))));

        AgentClient client = new AgentClient(URI.create("http://127.0.0.1:" + agent.port()), TOKEN);
        assertThatThrownBy(() -> client.patchKeaConfig(null, patch.toJson(), false)).isInstanceOfSatisfying(AgentError.class, e -> {
            assertThat(e.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED);
            assertThat(e.details()).containsEntry("step", "config-reload")
                    .containsEntry("keaText", "Config reload failed: the interface went away");
            assertThat(e.getMessage()).contains("the previous file(s) were put back").contains("Kea reloaded the previous file(s)");
        });

        assertThat(conf).hasContent(original);
        assertThat(commands).containsExactly("config-test", "config-reload", "config-reload");
        assertThat(dir.resolve("kea-dhcp4.conf.tandem-1")).as("the backup of the previous file stays").hasContent(original);
    }
}
