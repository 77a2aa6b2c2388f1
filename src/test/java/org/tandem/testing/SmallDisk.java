package org.tandem.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted on a fresh temporary directory, for tests of a full or read-only disk under a real Central.
 * Needs root (CI runs the tests as root; elsewhere the test is skipped, under CI=true it fails). {@link #close()}
 * unmounts and removes the directory whatever the test did, also when it failed half-way.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path mountPoint;
    private final Path filler;
    private boolean mounted;
    /** For an ext4 disk: its image file and loop device. */
    private Path image;
    private String loop;

    private SmallDisk(Path mountPoint) {
        this.mountPoint = mountPoint;
        this.filler = mountPoint.resolve("filler");
    }

    /**
     * An ext4 file system in an image file on a loop device, mounted with errors=remount-ro: {@link #failIntoReadOnly()}
     * turns it read-only under open files, as the kernel does after a disk error (a plain remount,ro is refused while
     * any file is open for writing, so it cannot happen under a running Central).
     */
    public static SmallDisk ext4(int mebibytes) throws IOException, InterruptedException {
        boolean usable = "root".equals(System.getProperty("user.name")) && Files.exists(Path.of("/dev/loop-control"))
                && Files.isExecutable(Path.of("/usr/sbin/mkfs.ext4"));
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(usable, "needs root, loop devices and mkfs.ext4");
        }
        Path dir = Files.createTempDirectory("tandem-ext4-disk-");
        SmallDisk disk = new SmallDisk(dir);
        try {
            disk.image = Files.createTempFile("tandem-ext4-disk-", ".img");
            run("truncate", "-s", mebibytes + "M", disk.image.toString());
            run("mkfs.ext4", "-q", "-F", disk.image.toString());
            String[] lines = run("losetup", "-f", "--show", disk.image.toString()).strip().split("\n");
            disk.loop = lines[lines.length - 1].strip();
            run("mount", "-o", "errors=remount-ro", disk.loop, dir.toString());
            disk.mounted = true;
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        } catch (IOException | RuntimeException e) {
            disk.close();
            throw e;
        }
        return disk;
    }

    /** ext4 only: reports a file system error, upon which the kernel makes it read-only (until unmounted). */
    public void failIntoReadOnly() throws IOException {
        Files.writeString(Path.of("/sys/fs/ext4", Path.of(loop).getFileName().toString(), "trigger_fs_error"), "tandem test\n");
    }

    /** Mounts a tmpfs of {@code mebibytes} MiB. */
    public static SmallDisk mount(int mebibytes) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(root, "needs root to mount a tmpfs");
        }
        Path dir = Files.createTempDirectory("tandem-small-disk-");
        SmallDisk disk = new SmallDisk(dir);
        try {
            run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m,mode=0700", "tandem-test", dir.toString());
            disk.mounted = true;
        } catch (IOException | RuntimeException e) {
            disk.close();
            throw e;
        }
        return disk;
    }

    public Path root() {
        return mountPoint;
    }

    /** Writes a file until the file system has no space left (tmpfs hands out whole pages); returns the bytes written. */
    public long fill() throws IOException {
        byte[] page = new byte[4096];
        long written = 0;
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(page);
                written += page.length;
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
        return written;
    }

    /** Removes the filler: the space is back. */
    public void free() throws IOException {
        Files.deleteIfExists(filler);
    }

    /** mount -o remount,ro: refused by the kernel while any file on it is open for writing. */
    public void remountReadOnly() throws IOException, InterruptedException {
        run("mount", "-o", "remount,ro", mountPoint.toString());
    }

    public void remountReadWrite() throws IOException, InterruptedException {
        run("mount", "-o", "remount,rw", mountPoint.toString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        try {
            if (mounted) {
                // Lazy: a Central a failed test left open must not keep the mount (and the test machine) busy.
                run("umount", "-l", mountPoint.toString());
                mounted = false;
            }
            if (loop != null) {
                // With a lazy unmount still holding it, -d marks it to go when the last user lets go.
                run("losetup", "-d", loop);
                loop = null;
            }
        } finally {
            Files.deleteIfExists(mountPoint);
            if (image != null) {
                Files.deleteIfExists(image);
            }
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return out;
    }
}
