package org.tandem.change;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tandem.common.UserError;

/**
 * The one place that hides secrets in configurations people see, and puts them back in configurations people send.
 *
 * <p>Shown (the Kea editor, dry-run and change-history diffs): dhcpd {@code secret ...;} (TSIG and OMAPI keys) and any
 * Kea JSON member named {@code password}, {@code secret}, {@code token} or ending in {@code -password}, {@code -secret},
 * {@code -token} ({@code basic-auth-password} of the HA peers, the {@code password} of lease and host databases) have
 * their value replaced by {@value #MASK}. A ReadOnly user who could read the HA peers' password could call
 * {@code config-set} on the Control Agent themselves.
 *
 * <p>Sent back (a whole-config edit): a member still holding {@value #MASK} gets the server's real value at the same
 * place, so an edit of something else never writes the mask over the password. A mask with no real value to restore
 * (a new peer, a renamed one) is refused naming the member: the user types the real secret.
 */
public final class SecretMask {

    public static final String MASK = "********";
    private static final Pattern SECRET_NAME = Pattern.compile("(?:[a-z0-9_]+-)*(?:password|secret|token)", Pattern.CASE_INSENSITIVE);
    private static final Pattern JSON_SECRET = Pattern.compile(
            "(\"(?:[A-Za-z0-9_]+-)*(?:password|secret|token)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"", Pattern.CASE_INSENSITIVE);
    private static final Pattern DHCPD_SECRET = Pattern.compile("(\\bsecret\\s+)(\"(?:[^\"\\\\]|\\\\.)*\"|[^;\\s]+)");
    /** Members that name an element of a JSON array, so a restore finds the same peer or library when the order changed. */
    private static final List<String> IDENTITIES = List.of("name", "library");

    private SecretMask() {}

    /** {@code text} (dhcpd.conf, Kea JSON, a diff of either) with every secret value masked. */
    public static String mask(String text) {
        String masked = JSON_SECRET.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + MASK + "\""));
        return DHCPD_SECRET.matcher(masked).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "\"" + MASK + "\""));
    }

    /**
     * {@code stored} (a change-history entry, changed in place and returned) with secret members masked and every text
     * masked as above: entries recorded before diffs masked {@code basic-auth-password} still hold it in their diff text.
     */
    public static JsonNode maskTree(JsonNode stored) {
        if (stored instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (isSecretName(f.getKey()) && f.getValue().isTextual()) {
                    f.setValue(TextNode.valueOf(MASK));
                } else if (f.getValue().isTextual()) {
                    f.setValue(TextNode.valueOf(mask(f.getValue().asText())));
                } else {
                    maskTree(f.getValue());
                }
            }
        } else if (stored instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                JsonNode e = arr.get(i);
                if (e.isTextual()) {
                    arr.set(i, TextNode.valueOf(mask(e.asText())));
                } else {
                    maskTree(e);
                }
            }
        }
        return stored;
    }

    /** Whether a JSON member of this name holds a secret. */
    public static boolean isSecretName(String name) {
        return SECRET_NAME.matcher(name).matches();
    }

    /**
     * Replaces, in {@code edited} (changed in place), every secret member still holding {@value #MASK} with the value
     * at the same place in {@code live}, the server's configuration.
     *
     * @throws UserError naming the member when {@code live} has no value there
     */
    public static void restore(JsonNode edited, JsonNode live) {
        restore(edited, live, "");
    }

    private static void restore(JsonNode edited, JsonNode live, String path) {
        if (edited instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String at = path + "/" + f.getKey();
                JsonNode counterpart = live == null ? null : live.get(f.getKey());
                if (isSecretName(f.getKey()) && f.getValue().isTextual() && MASK.equals(f.getValue().asText())) {
                    if (counterpart == null || !counterpart.isTextual()) {
                        throw UserError.invalid("config", "\"" + f.getKey() + "\" at " + at + " holds the mask " + MASK
                                + " but the server has no value there to keep; type the real value");
                    }
                    f.setValue(counterpart);
                } else {
                    restore(f.getValue(), counterpart, at);
                }
            }
        } else if (edited instanceof ArrayNode arr) {
            for (int i = 0; i < arr.size(); i++) {
                restore(arr.get(i), counterpart(arr.get(i), live, i), path + "/" + i);
            }
        }
    }

    /** The element of {@code live} that {@code element} edits: the one with the same name (or library), else the same index. */
    private static JsonNode counterpart(JsonNode element, JsonNode live, int index) {
        if (live == null || !live.isArray()) {
            return null;
        }
        for (String id : IDENTITIES) {
            JsonNode key = element.get(id);
            if (key != null && key.isTextual()) {
                for (JsonNode candidate : live) {
                    if (key.equals(candidate.get(id))) {
                        return candidate;
                    }
                }
                return null;
            }
        }
        return live.get(index);
    }
}
