package org.tandem.omapi;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.tandem.dhcpd.DhcpdFailoverState;
import org.tandem.lab.DhcpdLab;
import org.tandem.lab.LabConfigs;

/**
 * Regenerates the OMAPI captures under src/test/resources/omapi/ (and two lease files under
 * src/test/resources/leases/) from a real dhcpd 4.4.3 pair in a {@link DhcpdLab}; needs root:
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/tmp/cp.txt
 * java -cp target/classes:target/test-classes:$(cat /tmp/cp.txt) org.tandem.omapi.OmapiCapture src/test/resources/omapi
 * </pre>
 * Each capture is every byte dhcpd sent in one session; the client numbers its transactions from
 * {@link #FIRST_TID} so {@link FakeOmapiServer} can replay them, and key.txt keeps the throw-away
 * lab key the replies are signed with.
 */
public final class OmapiCapture {

    static final long FIRST_TID = 1000;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "src/test/resources/omapi");
        Files.createDirectories(out);
        try (DhcpdLab lab = DhcpdLab.start()) {
            for (DhcpdLab.Server s : lab.servers()) {
                Files.writeString(s.conf(), LabConfigs.failover(lab, s, ""));
                lab.startDhcpd(s);
            }
            DhcpdLab.Server a = lab.primary();
            Instant end = Instant.now().plusSeconds(30);
            while (true) {
                try (OmapiClient c = lab.omapi(a)) {
                    if (c.failoverState(LabConfigs.RELATIONSHIP).bothNormal()) {
                        break;
                    }
                }
                if (Instant.now().isAfter(end)) {
                    throw new IllegalStateException("pair not normal:\n" + DhcpdLab.tail(a.log()));
                }
                Thread.sleep(300);
            }
            Files.writeString(out.resolve("key.txt"), lab.omapiKey().name() + " " + secretOf(lab) + "\n");
            capture(out.resolve("read-state-normal.bin"), a, lab.omapiKey(), c -> c.failoverState(LabConfigs.RELATIONSHIP));
            capture(out.resolve("unknown-relationship.bin"), a, lab.omapiKey(), c -> c.failoverState("no-such-peer"));
            OmapiKey wrong = OmapiKey.ofBase64(DhcpdLab.OMAPI_KEY_NAME, "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==");
            capture(out.resolve("wrong-secret.bin"), a, wrong, c -> c.failoverState(LabConfigs.RELATIONSHIP));
            capture(out.resolve("no-key.bin"), a, null, c -> c.failoverState(LabConfigs.RELATIONSHIP));
            lab.stopDhcpd(lab.secondary());
            end = Instant.now().plusSeconds(30);
            while (true) {
                try (OmapiClient c = lab.omapi(a)) {
                    if (c.failoverState(LabConfigs.RELATIONSHIP).localState() == DhcpdFailoverState.COMMUNICATIONS_INTERRUPTED) {
                        break;
                    }
                }
                if (Instant.now().isAfter(end)) {
                    throw new IllegalStateException("no communications-interrupted:\n" + DhcpdLab.tail(a.log()));
                }
                Thread.sleep(300);
            }
            capture(out.resolve("read-state-interrupted.bin"), a, lab.omapiKey(), c -> c.failoverState(LabConfigs.RELATIONSHIP));
            capture(out.resolve("set-partner-down.bin"), a, lab.omapiKey(),
                    c -> c.setLocalState(LabConfigs.RELATIONSHIP, DhcpdFailoverState.PARTNER_DOWN));
            Path leases = out.resolveSibling("leases");
            Files.createDirectories(leases);
            Files.copy(a.leases(), leases.resolve("primary-after-partner-down.leases"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(lab.secondary().leases(), leases.resolve("secondary-stopped.leases"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static String secretOf(DhcpdLab lab) {
        String s = lab.omapiStatements();
        int i = s.indexOf("secret \"") + 8;
        return s.substring(i, s.indexOf('"', i));
    }

    interface Session {
        void run(OmapiClient c);
    }

    private static void capture(Path file, DhcpdLab.Server s, OmapiKey key, Session session) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(s.address(), DhcpdLab.OMAPI_PORT), 5000);
        InputStream tee = new FilterInputStream(socket.getInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    received.write(b, off, n);
                }
                return n;
            }
        };
        try (OmapiClient c = new OmapiClient(socket, tee, socket.getOutputStream(), key, Duration.ofSeconds(5),
                OmapiCodec.Limits.DEFAULT, FIRST_TID, "capture")) {
            c.start();
            session.run(c);
        } catch (OmapiException e) {
            System.out.println(file.getFileName() + ": " + e.getMessage());
        }
        Files.write(file, received.toByteArray());
        System.out.println(file + ": " + received.size() + " bytes");
    }
}
