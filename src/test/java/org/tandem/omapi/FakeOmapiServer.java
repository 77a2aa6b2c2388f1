package org.tandem.omapi;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A one-connection OMAPI peer on 127.0.0.1 that replays what a real dhcpd sent in a captured
 * session (src/test/resources/omapi/*.bin): its greeting, then one captured reply per client
 * message. A mutator may change any reply chunk to play a broken or hostile server.
 */
final class FakeOmapiServer implements AutoCloseable {

    private final ServerSocket listener;
    private final List<byte[]> chunks;
    private final Thread thread;
    private volatile Socket client;
    private volatile boolean closeAfterLast;

    /** Replays {@code capture}; {@code mutate} gets (index, bytes) for chunk 0 = greeting, 1.. = replies. */
    FakeOmapiServer(String capture, ChunkMutator mutate) throws IOException {
        this.chunks = split(Files.readAllBytes(Path.of("src/test/resources/omapi", capture)));
        for (int i = 0; i < chunks.size(); i++) {
            chunks.set(i, mutate.apply(i, chunks.get(i)));
        }
        this.listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        this.thread = new Thread(this::serve, "fake-omapi");
        thread.setDaemon(true);
        thread.start();
    }

    FakeOmapiServer(String capture) throws IOException {
        this(capture, (i, b) -> b);
    }

    interface ChunkMutator {
        byte[] apply(int index, byte[] chunk);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connects a client numbering transactions as the capture did. */
    OmapiClient connect(OmapiKey key, java.time.Duration timeout) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port());
        OmapiClient c = new OmapiClient(s, s.getInputStream(), s.getOutputStream(), key, timeout,
                OmapiCodec.Limits.DEFAULT, OmapiCapture.FIRST_TID, "fake OMAPI");
        try {
            c.start();
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void serve() {
        try (Socket s = listener.accept()) {
            client = s;
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            in.readNBytes(8);
            send(out, 0);
            for (int i = 1; i < chunks.size(); i++) {
                DataInputStream din = new DataInputStream(in);
                OmapiCodec.decode(din::readFully, OmapiCodec.Limits.DEFAULT, null);
                send(out, i);
            }
            if (!closeAfterLast) {
                // Leave the connection open and silent, as a server that stops answering would.
                in.read();
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or sent garbage; a fake has nothing to report.
        }
    }

    /** After the last captured chunk, close the connection instead of going silent. */
    void closeAfterWrites() {
        closeAfterLast = true;
    }

    private void send(OutputStream out, int i) throws IOException {
        if (chunks.get(i) != null) {
            out.write(chunks.get(i));
            out.flush();
        }
    }

    /** Greeting, then each message as the codec frames it. */
    static List<byte[]> split(byte[] capture) throws IOException {
        List<byte[]> out = new ArrayList<>();
        out.add(java.util.Arrays.copyOfRange(capture, 0, 8));
        int pos = 8;
        while (pos < capture.length) {
            ByteArrayInputStream rest = new ByteArrayInputStream(capture, pos, capture.length - pos);
            DataInputStream din = new DataInputStream(rest);
            int before = rest.available();
            OmapiCodec.decode(din::readFully, OmapiCodec.Limits.DEFAULT, null);
            int used = before - rest.available();
            out.add(java.util.Arrays.copyOfRange(capture, pos, pos + used));
            pos += used;
        }
        return out;
    }

    /** The key the captures were made with (a throw-away lab key). */
    static OmapiKey captureKey() throws IOException {
        String[] parts = Files.readString(Path.of("src/test/resources/omapi/key.txt")).strip().split(" ");
        return OmapiKey.ofBase64(parts[0], parts[1]);
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Socket c = client;
        if (c != null) {
            c.close();
        }
    }
}
