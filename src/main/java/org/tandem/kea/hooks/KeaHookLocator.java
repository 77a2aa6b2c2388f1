package org.tandem.kea.hooks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.tandem.common.Text;
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
 * <p>Order: the administrator's preference for the server (its own {@code keaHooksLocation}, else Central's
 * {@code KeaHooksLocation}), then Debian/Ubuntu's {@code /usr/lib/x86_64-linux-gnu/kea/hooks/}, RHEL-like
 * {@code /usr/lib64/kea/hooks/}, and {@code /usr/local/lib/kea/hooks/}. (Micetro's guide swaps the two distributions'
 * paths, and sets the preference in its DHCP agent's preferences.cfg; Tandem has no agent on Kea hosts, so the
 * preference is Central's setting and a field of the registered server.)
 */
public final class KeaHookLocator {

    /** Central's config key (all Kea servers). */
    public static final String CENTRAL_SETTING = "KeaHooksLocation";
    /** The registered server's field (one server; wins over Central's). */
    public static final String SERVER_SETTING = "keaHooksLocation";

    /** A preferred directory and the setting it came from, so an error can say what to change. */
    public record Preference(Path directory, String setting) {}

    /** The preference for one server (by its registered name), or null for none. */
    @FunctionalInterface
    public interface Preferences {
        Preference forServer(String server);
    }

    public static final List<Path> DEFAULT_LOCATIONS = List.of(
            Path.of("/usr/lib/x86_64-linux-gnu/kea/hooks"),
            Path.of("/usr/lib64/kea/hooks"),
            Path.of("/usr/local/lib/kea/hooks"));

    private final Preferences preferences;

    /** @param keaHooksLocation Central's preference for every server, or null */
    public KeaHookLocator(Path keaHooksLocation) {
        this(server -> keaHooksLocation == null ? null : new Preference(keaHooksLocation, CENTRAL_SETTING));
    }

    public KeaHookLocator(Preferences preferences) {
        this.preferences = java.util.Objects.requireNonNull(preferences);
    }

    /**
     * Checks a preference as an administrator typed it: an absolute directory path (on the Kea host, so it is not looked
     * for here). {@code field} names the setting in the error.
     */
    public static Path location(String field, String text) {
        if (text == null || text.isBlank()) {
            throw UserError.invalid(field, "must be a directory path like /usr/lib/x86_64-linux-gnu/kea/hooks");
        }
        if (text.length() > 1000 || text.chars().anyMatch(Character::isISOControl) || text.contains("\"") || text.contains("\\")) {
            throw UserError.invalid(field, "must be a directory path of at most 1000 characters without control characters,"
                    + " quotes or backslashes (it is written into Kea's JSON configuration)");
        }
        Path p;
        try {
            p = Path.of(text);
        } catch (java.nio.file.InvalidPathException e) {
            throw UserError.invalid(field, "\"" + Text.clip(text) + "\" is not a valid path");
        }
        if (!p.isAbsolute() || !text.startsWith("/")) {
            throw UserError.invalid(field, "must be an absolute path (starting with /) on the Kea host, not \"" + Text.clip(text) + "\"");
        }
        if (!p.normalize().equals(p) || text.contains("/./") || text.contains("/../") || text.endsWith("/..") || text.endsWith("/.")) {
            throw UserError.invalid(field, "must not contain . or .. parts: \"" + Text.clip(text) + "\"");
        }
        return p;
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
        Preference preference = preferences.forServer(client.server());
        List<Path> order = searchOrder(preference == null ? null : preference.directory());
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
        String tried = preference == null ? "" : " (the first from " + describe(preference.setting()) + ")";
        throw new UserError(UserError.Kind.SERVER_REFUSED, preference == null ? SERVER_SETTING : preference.setting(),
                "Kea server \"" + client.server() + "\" has no " + KeaConfigDocument.HA_LIBRARY + " and "
                        + KeaConfigDocument.LEASE_CMDS_LIBRARY + " in any of " + order + tried
                        + "; install Kea's hook libraries there, or give their directory on that host as the server's "
                        + SERVER_SETTING + " (tandem servers modify " + client.server() + " --kea-hooks-location DIR, or ModifyDHCPServer)"
                        + " or as " + CENTRAL_SETTING + " in Central's config file (every Kea server)");
    }

    private static String describe(String setting) {
        return setting.equals(CENTRAL_SETTING) ? CENTRAL_SETTING + " in Central's config file" : "the server's " + setting;
    }

    private static String parent(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }
}
