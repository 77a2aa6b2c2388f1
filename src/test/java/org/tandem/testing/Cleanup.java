package org.tandem.testing;

/** Test teardown: what a test started goes, whatever fails on the way. */
public final class Cleanup {

    private Cleanup() {
    }

    /**
     * Closes each resource that is not null, in the order given, every one even when an earlier close
     * throws (a Central that fails to stop must not leave the lab's namespaces and servers behind); the
     * first failure is rethrown with the later ones suppressed in it.
     */
    public static void close(AutoCloseable... resources) throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            if (resource == null) {
                continue;
            }
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
