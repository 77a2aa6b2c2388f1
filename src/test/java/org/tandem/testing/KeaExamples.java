package org.tandem.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.tandem.net.Ipv4Range;

/**
 * Kea 2.2's own example configurations (Debian's kea-doc, installed by scripts/install-deps), read in place. They use
 * Kea's comment syntax, which Jackson reads with comments allowed.
 */
public final class KeaExamples {

    public static final Path DIR = Path.of("/usr/share/doc/kea/examples/kea4");
    private static final JsonMapper READER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_YAML_COMMENTS,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS).build();

    private KeaExamples() {
    }

    /** Every example file; fails (it does not skip) without kea-doc, which the project's scripts install. */
    public static List<Path> all() {
        if (!Files.isDirectory(DIR)) {
            fail("Kea's example configurations are missing: " + DIR + " (Debian package kea-doc; scripts/install-deps installs it)");
        }
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every subnet4 list of a {@code {"Dhcp4": ...}} tree: the top-level one, then one per shared network. */
    public static List<ArrayNode> subnetLists(JsonNode root) {
        List<ArrayNode> lists = new ArrayList<>();
        JsonNode dhcp4 = root.get("Dhcp4");
        if (dhcp4.get("subnet4") instanceof ArrayNode a) {
            lists.add(a);
        }
        for (JsonNode net : dhcp4.path("shared-networks")) {
            if (net.get("subnet4") instanceof ArrayNode a) {
                lists.add(a);
            }
        }
        return lists;
    }

    /** The subnet of the tree with exactly this prefix; fails the test when there is none. */
    public static ObjectNode subnet(JsonNode root, Ipv4Range prefix) {
        for (ArrayNode list : subnetLists(root)) {
            for (JsonNode s : list) {
                if (Ipv4Range.parseCidr("s", s.path("subnet").asText()).equals(prefix)) {
                    return (ObjectNode) s;
                }
            }
        }
        throw new AssertionError("no subnet " + prefix + " in the config");
    }

    /** Removes the subnet with this prefix from the tree (in place); fails the test when there is none. */
    public static void removeSubnet(JsonNode root, Ipv4Range prefix) {
        for (ArrayNode list : subnetLists(root)) {
            for (int i = 0; i < list.size(); i++) {
                if (Ipv4Range.parseCidr("s", list.get(i).path("subnet").asText()).equals(prefix)) {
                    list.remove(i);
                    return;
                }
            }
        }
        throw new AssertionError("no subnet " + prefix + " in the config");
    }

    /** One example as a JSON tree ({@code {"Dhcp4": ...}}), comments dropped. */
    public static ObjectNode read(Path file) {
        try {
            return (ObjectNode) READER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is not JSON with comments", e);
        }
    }
}
