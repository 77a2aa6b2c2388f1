package org.tandem.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;

/** How the agent replaces a config file: never half-written, durable once it answers. Both agents (dhcpd, Kea) use it. */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Temp file in the same directory, fsync, rename over the target, fsync the directory. */
    static void replace(Path target, byte[] content) throws IOException {
        replace(target, content, false);
    }

    /**
     * As {@link #replace}, the new file taking the target's permissions (and owner, when the agent may set it:
     * Debian's Kea reads its config as user _kea).
     */
    static void replaceKeepingOwner(Path target, byte[] content) throws IOException {
        replace(target, content, true);
    }

    private static void replace(Path target, byte[] content, boolean keepOwner) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".new-", ".tmp");
        try {
            writeDurably(temp, content);
            if (keepOwner) {
                copyOwnerAndPermissions(target, temp);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } finally {
            deleteQuietly(temp);
        }
    }

    private static void copyOwnerAndPermissions(Path from, Path to) throws IOException {
        PosixFileAttributes attrs = Files.readAttributes(from, PosixFileAttributes.class);
        Files.setPosixFilePermissions(to, attrs.permissions());
        PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
        try {
            view.setGroup(attrs.group());
            view.setOwner(attrs.owner());
        } catch (IOException notAllowed) {
            // An agent that does not run as root keeps its own ownership; the permissions above still apply.
        }
    }

    /** Writes the whole content and forces it to disk. */
    static void writeDurably(Path file, byte[] content) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(content);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
    }

    static void deleteQuietly(Path p) {
        if (p == null) {
            return;
        }
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover temp file is harmless and named as ours
        }
    }
}
