package org.tandem.kea.hooks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tandem.common.UserError;
import org.tandem.kea.client.KeaClient;
import org.tandem.kea.client.KeaResponse;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaConfigDocument;

/**
 * Finds the directory holding {@code libdhcp_ha.so} and {@code libdhcp_lease_cmds.so} on a Kea host without an agent
 * there: it asks the server itself with {@code config-test}, which checks hook paths (a missing library answers
 * result 1 "hooks libraries failed to validate - library or libraries in error are: PATH") and applies nothing.
 *
 * <p>Order: the {@code keaHooksLocation} preference, then Debian/Ubuntu's {@code /usr/lib/x86_64-linux-gnu/kea/hooks/},
 * RHEL-like {@code /usr/lib64/kea/hooks/}, and {@code /usr/local/lib/kea/hooks/}. (Micetro's guide swaps the two
 * distributions' paths; these are the real ones.)
 */
public final class KeaHookLocator {

    public static final List<Path> DEFAULT_LOCATIONS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/kea/hooks"),
            Path.of("/usr/lib64/kea/hooks"),
            Path.of("/usr/local/lib/kea/hooks"));

    private final Path keaHooksLocation;

    /** @param keaHooksLocation the administrator's preference, or null */
    public KeaHookLocator(Path keaHooksLocation) {
        this.keaHooksLocation = keaHooksLocation;
    }

    /** The directories searched, preference first. */
    public static List<Path> searchOrder(Path preference) {
        List<Path> out = new ArrayList<>();
        if (preference != null) {
            out.add(preference);
        }
        for (Path p : DEFAULT_LOCATIONS) {
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The first local directory holding both libraries (for servers started on this machine, e.g. the lab). */
    public static Optional<Path> firstExistingDirectory(Path preference) {
        return searchOrder(preference).stream()
                .filter(d -> Files.isRegularFile(d.resolve(KeaConfigDocument.HA_LIBRARY))
                        && Files.isRegularFile(d.resolve(KeaConfigDocument.LEASE_CMDS_LIBRARY)))
                .findFirst();
    }

    /**
     * The hook directory on {@code client}'s host. When the running config already loads both libraries from one
     * directory that directory is the answer; otherwise each candidate is tried with config-test on a copy of
     * {@code current}. Throws a user error naming the server and every place looked in when none has both.
     */
    public String locate(KeaClient client, KeaConfig current) {
        KeaConfigDocument doc = current.edit();
        String ha = null;
        String leaseCmds = null;
        for (String lib : doc.hookLibraries()) {
            if (lib.endsWith("/" + KeaConfigDocument.HA_LIBRARY)) {
                ha = lib;
            } else if (lib.endsWith("/" + KeaConfigDocument.LEASE_CMDS_LIBRARY)) {
                leaseCmds = lib;
            }
        }
        if (ha != null && leaseCmds != null && parent(ha).equals(parent(leaseCmds))) {
            return parent(ha);
        }
        List<Path> order = searchOrder(keaHooksLocation);
        for (Path dir : order) {
            KeaConfigDocument probe = current.edit();
            probe.replaceHookPath(KeaConfigDocument.LEASE_CMDS_LIBRARY, dir + "/" + KeaConfigDocument.LEASE_CMDS_LIBRARY);
            // Without parameters the HA library would fail its own load(); config-test only checks that it opens.
            probe.removeHa();
            probe.replaceHookPath(KeaConfigDocument.HA_LIBRARY, dir + "/" + KeaConfigDocument.HA_LIBRARY);
            KeaResponse r = client.call("config-test", probe.toKeaArguments());
            if (r.isSuccess()) {
                return dir.toString();
            }
            if (r.text() == null || !r.text().contains("hooks libraries failed to validate")) {
                r.requireSuccess(false);
            }
        }
        throw new UserError(UserError.Kind.SERVER_REFUSED, "keaHooksLocation",
                "Kea server \"" + client.server() + "\" has no " + KeaConfigDocument.HA_LIBRARY + " and "
                        + KeaConfigDocument.LEASE_CMDS_LIBRARY + " in any of " + order
                        + "; install Kea's hook libraries there or set the keaHooksLocation preference to their directory");
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }
}
