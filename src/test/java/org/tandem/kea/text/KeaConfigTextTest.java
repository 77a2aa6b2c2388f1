package org.tandem.kea.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandem.common.UserError;
import org.tandem.kea.config.KeaConfigPatch;
import org.tandem.kea.config.KeaConfigs;
import org.tandem.testing.KeaExamples;
import org.tandem.testing.TextRegions;

class KeaConfigTextTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Reads Kea's syntax without includes: the oracle for what a file means. */
    private static final ObjectMapper LENIENT = JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS,
            JsonReadFeature.ALLOW_YAML_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA,
            JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS).build();

    @TempDir
    Path dir;

    static Stream<Path> examples() {
        return KeaExamples.all().stream();
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void parse_keaExample_meansWhatAJsonReaderWithCommentsReads(Path example) throws IOException {
        KeaConfigText t = KeaConfigText.load(example);
        assertThat(t.meaning()).isEqualTo(LENIENT.readTree(Files.readString(example)));
    }

    /** Edits Central makes (a global value, a subnet added, one removed, a reservation added) on each of Kea's examples. */
    @ParameterizedTest
    @MethodSource("examples")
    void apply_keaExample_changesOnlyTheSpliceAndKeaStillAccepts(Path example) throws Exception {
        String original = Files.readString(example);
        KeaConfigText text = KeaConfigText.load(example);
        JsonNode before = text.meaning();
        boolean keaAcceptsOriginal = keaAccepts(example.getParent(), example).isEmpty();
        List<JsonNode> edits = new ArrayList<>();
        ObjectNode e1 = before.deepCopy();
        ((ObjectNode) e1.get("Dhcp4")).put("valid-lifetime", 7200);
        edits.add(e1);
        ObjectNode e2 = before.deepCopy();
        ObjectNode added = json("{\"id\": 4242, \"subnet\": \"203.0.113.0/24\", \"pools\": [{\"pool\": \"203.0.113.10 - 203.0.113.20\"}]}").deepCopy();
        JsonNode subnets = e2.get("Dhcp4").get("subnet4");
        (subnets == null ? ((ObjectNode) e2.get("Dhcp4")).putArray("subnet4") : (ArrayNode) subnets).add(added);
        edits.add(e2);
        if (before.get("Dhcp4").path("subnet4").size() > 0) {
            ObjectNode e3 = before.deepCopy();
            ((ArrayNode) e3.get("Dhcp4").get("subnet4")).remove(0);
            edits.add(e3);
            ObjectNode e4 = before.deepCopy();
            ArrayNode s4 = (ArrayNode) e4.get("Dhcp4").get("subnet4");
            ObjectNode last = (ObjectNode) s4.get(s4.size() - 1);
            (last.has("reservations") ? (ArrayNode) last.get("reservations") : last.putArray("reservations"))
                    .addObject().put("hw-address", "02:00:5e:00:53:99").put("hostname", "tandem-test");
            edits.add(e4);
        }
        for (JsonNode after : edits) {
            KeaConfigPatch patch = KeaConfigPatch.between(before, after);
            KeaConfigText edited = text.apply(patch);
            String out = edited.files().get(text.main());
            assertThat(KeaConfigText.parse(example, out, f -> { throw new IOException("no includes"); }).meaning())
                    .as("%s after %s", example, patch).isEqualTo(patch.applyTo(before));
            assertThat(LENIENT.readTree(out)).isEqualTo(patch.applyTo(before));
            TextRegions.assertOnlyOneRegionChanged(original, out, maxChangedLines(original, patch));
            if (keaAcceptsOriginal) {
                Path copy = dir.resolve(example.getFileName());
                Files.writeString(copy, out);
                assertThat(keaAccepts(dir, copy)).as("kea-dhcp4 -t on %s after %s:\n%s", example, patch, out).isEmpty();
            }
        }
    }

    /** Lines an edit may change: one (a comma) for additions; the removed subnet's lines plus one for a removal. */
    private static int maxChangedLines(String original, KeaConfigPatch patch) {
        return patch.ops().get(0) instanceof KeaConfigPatch.RemoveElement ? original.split("\n").length : 1;
    }

    /** kea-dhcp4 -t's complaint about {@code file} (run in {@code workDir}, where relative includes resolve), or "" if it accepts it. */
    static String keaAccepts(Path workDir, Path file) throws IOException, InterruptedException {
        Path out = Files.createTempFile(workDir, "kea-t-", ".out");
        try {
            Process p = new ProcessBuilder("kea-dhcp4", "-t", file.toString()).directory(workDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return "kea-dhcp4 -t did not finish";
            }
            return p.exitValue() == 0 ? "" : Files.readString(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    // ---------------------------------------------------------------- hand-written configs with comments and includes

    private static final String MAIN = """
            # Kea DHCPv4 for the lab: a file with comments everywhere
            {
                // the server
                "Dhcp4": {
                    "valid-lifetime": 600, # subnets inherit this
                    "interfaces-config": { "interfaces": [ "*" ] },
                    /* subnets live
                       in their own file */
                    <?include "subnets.json"?>
                    "lease-database": { "type": "memfile", "persist": false }
                }
            }
            """;
    private static final String SUBNETS = """
                    "subnet4": [
                        // the office
                        {
                            "id": 1,
                            "subnet": "192.0.2.0/24",
                            "pools": [ { "pool": "192.0.2.10 - 192.0.2.99" } ]
                        }
                    ],
            """;

    private KeaConfigText lab() throws IOException {
        Files.writeString(dir.resolve("kea-dhcp4.conf"), MAIN);
        Files.writeString(dir.resolve("subnets.json"), SUBNETS);
        return KeaConfigText.load(dir.resolve("kea-dhcp4.conf"));
    }

    private Map<Path, String> write(KeaConfigText t) throws IOException {
        Map<Path, String> texts = new LinkedHashMap<>(t.files());
        for (Map.Entry<Path, String> e : texts.entrySet()) {
            Files.writeString(e.getKey(), e.getValue());
        }
        return texts;
    }

    private KeaConfigText applied(KeaConfigText t, java.util.function.Consumer<ObjectNode> change) throws Exception {
        ObjectNode after = t.meaning().deepCopy();
        change.accept((ObjectNode) after.get("Dhcp4"));
        KeaConfigPatch p = KeaConfigPatch.between(t.meaning(), after);
        KeaConfigText edited = t.apply(p);
        assertThat(edited.meaning()).isEqualTo(after);
        write(edited);
        assertThat(KeaConfigText.load(t.main()).meaning()).isEqualTo(after);
        assertThat(keaAccepts(dir, t.main())).isEmpty();
        return edited;
    }

    @Test
    void parse_include_meaningHasTheIncludedMembers() throws IOException {
        KeaConfigText t = lab();
        assertThat(t.meaning().get("Dhcp4").get("subnet4").get(0).get("id").asInt()).isEqualTo(1);
        assertThat(t.files()).containsOnlyKeys(dir.resolve("kea-dhcp4.conf"), dir.resolve("subnets.json"));
        assertThat(t.includes()).singleElement().satisfies(i -> assertThat(i.resolved()).isEqualTo(dir.resolve("subnets.json")));
    }

    @Test
    void apply_addSubnet_editsTheIncludedFileOnlyAndKeepsItsComment() throws Exception {
        KeaConfigText t = lab();
        KeaConfigText e = applied(t, d -> ((ArrayNode) d.get("subnet4")).add(json("{\"id\": 2, \"subnet\": \"198.51.100.0/24\"}")));

        assertThat(e.files().get(t.main())).isEqualTo(MAIN);
        assertThat(e.files().get(dir.resolve("subnets.json"))).isEqualTo("""
                        "subnet4": [
                            // the office
                            {
                                "id": 1,
                                "subnet": "192.0.2.0/24",
                                "pools": [ { "pool": "192.0.2.10 - 192.0.2.99" } ]
                            },
                            {
                                "id": 2,
                                "subnet": "198.51.100.0/24"
                            }
                        ],
                """);
    }

    @Test
    void apply_reservationIntoSubnetWithoutReservations_createsTheListInPlace() throws Exception {
        KeaConfigText t = lab();
        KeaConfigText e = applied(t, d -> ((ObjectNode) d.get("subnet4").get(0)).putArray("reservations")
                .add(json("{\"hw-address\": \"02:00:00:00:00:01\", \"ip-address\": \"192.0.2.200\"}")));

        assertThat(e.files().get(dir.resolve("subnets.json"))).contains("""
                                "pools": [ { "pool": "192.0.2.10 - 192.0.2.99" } ],
                                "reservations": [
                                    {
                                        "hw-address": "02:00:00:00:00:01",
                                        "ip-address": "192.0.2.200"
                                    }
                                ]
                            }
                """);
        // and removing it again leaves an empty list, nothing else
        KeaConfigText back = applied(e, d -> ((ArrayNode) d.get("subnet4").get(0).get("reservations")).removeAll());
        assertThat(back.files().get(dir.resolve("subnets.json"))).contains("\"reservations\": [\n                ]\n");
    }

    @Test
    void apply_setGlobal_changesThatLineOnlyAndKeepsItsTrailingComment() throws Exception {
        KeaConfigText t = lab();
        KeaConfigText e = applied(t, d -> d.put("valid-lifetime", 900));

        assertThat(e.files().get(t.main())).isEqualTo(MAIN.replace("\"valid-lifetime\": 600, # subnets", "\"valid-lifetime\": 900, # subnets"));
    }

    @Test
    void apply_appendToInlineList_staysInline() throws Exception {
        KeaConfigText t = lab();
        KeaConfigText e = applied(t, d -> ((ArrayNode) d.get("interfaces-config").get("interfaces")).add("lo"));

        assertThat(e.files().get(t.main())).contains("\"interfaces-config\": { \"interfaces\": [ \"*\", \"lo\" ] },");
    }

    @Test
    void apply_removeLastMember_dropsTheCommaBeforeIt() throws Exception {
        KeaConfigText t = lab();
        KeaConfigText e = applied(t, d -> d.remove("lease-database"));

        assertThat(e.files().get(dir.resolve("subnets.json"))).isEqualTo(SUBNETS.replace("],\n", "]\n"));
        assertThat(e.files().get(t.main())).isEqualTo(MAIN.replace("        \"lease-database\": { \"type\": \"memfile\", \"persist\": false }\n", ""));
    }

    @Test
    void apply_removeOnlySubnet_keepsTheCommentAndAnEmptyList() throws Exception {
        KeaConfigText t = lab();
        KeaConfigText e = applied(t, d -> ((ArrayNode) d.get("subnet4")).removeAll());

        assertThat(e.files().get(dir.resolve("subnets.json"))).isEqualTo("""
                        "subnet4": [
                            // the office
                        ],
                """);
    }

    @Test
    void apply_removeMiddleAndLastElements_commasStayValid() throws Exception {
        String text = "{ \"Dhcp4\": {\n  \"subnet4\": [\n    { \"id\": 1, \"subnet\": \"10.1.0.0/24\" },\n"
                + "    { \"id\": 2, \"subnet\": \"10.2.0.0/24\" }, // two\n    { \"id\": 3, \"subnet\": \"10.3.0.0/24\" }\n  ]\n} }\n";
        Path f = dir.resolve("k.conf");
        Files.writeString(f, text);
        KeaConfigText t = KeaConfigText.load(f);
        KeaConfigText e = applied(t, d -> ((ArrayNode) d.get("subnet4")).remove(1));
        assertThat(e.files().get(f)).isEqualTo(text.replace("    { \"id\": 2, \"subnet\": \"10.2.0.0/24\" }, // two\n", ""));
        KeaConfigText e2 = applied(e, d -> ((ArrayNode) d.get("subnet4")).remove(1));
        assertThat(e2.files().get(f)).isEqualTo("{ \"Dhcp4\": {\n  \"subnet4\": [\n    { \"id\": 1, \"subnet\": \"10.1.0.0/24\" }\n  ]\n} }\n");
    }

    @Test
    void apply_crlfAndTabs_insertedLinesFollowTheFile() throws Exception {
        String text = "{\r\n\t\"Dhcp4\": {\r\n\t\t\"subnet4\": [\r\n\t\t\t{ \"id\": 1, \"subnet\": \"10.1.0.0/24\" }\r\n\t\t]\r\n\t}\r\n}\r\n";
        Path f = dir.resolve("k.conf");
        Files.writeString(f, text);
        KeaConfigText t = KeaConfigText.load(f);
        KeaConfigText e = applied(t, d -> ((ArrayNode) d.get("subnet4")).add(json("{\"id\": 2, \"subnet\": \"10.2.0.0/24\"}")));
        assertThat(e.files().get(f)).isEqualTo(text.replace("\"10.1.0.0/24\" }\r\n",
                "\"10.1.0.0/24\" },\r\n\t\t\t{\r\n\t\t\t\t\"id\": 2,\r\n\t\t\t\t\"subnet\": \"10.2.0.0/24\"\r\n\t\t\t}\r\n"));
    }

    @Test
    void apply_valueHoldingAnInclude_isRefusedClearly() throws Exception {
        Files.writeString(dir.resolve("list.json"), "[ { \"id\": 1, \"subnet\": \"10.1.0.0/24\" } ]");
        Path f = dir.resolve("k.conf");
        Files.writeString(f, "{ \"Dhcp4\": { \"subnet4\": <?include \"list.json\"?> } }");
        KeaConfigText t = KeaConfigText.load(f);
        KeaConfigPatch removeMember = new KeaConfigPatch(List.of(new KeaConfigPatch.RemoveMember(
                List.of(new KeaConfigPatch.Member("Dhcp4")), "subnet4")));

        assertThatThrownBy(() -> t.apply(removeMember)).isInstanceOfSatisfying(UserError.class,
                e -> assertThat(e.kind()).isEqualTo(UserError.Kind.SERVER_REFUSED)).hasMessageContaining("spans more than one file");
        // an edit inside the included list is fine and lands in that file
        ObjectNode after = t.meaning().deepCopy();
        ((ObjectNode) after.get("Dhcp4").get("subnet4").get(0)).put("valid-lifetime", 300);
        KeaConfigText e = t.apply(KeaConfigPatch.between(t.meaning(), after));
        assertThat(e.changedSince(t)).containsExactly(dir.resolve("list.json"));
        assertThat(e.meaning()).isEqualTo(after);
    }

    @Test
    void parse_errors_nameFileAndLine() throws IOException {
        Path f = dir.resolve("k.conf");
        Files.writeString(f, "{\n  \"Dhcp4\": {\n    \"a\": 1\n    \"b\": 2\n  }\n}\n");
        assertThatThrownBy(() -> KeaConfigText.load(f)).isInstanceOfSatisfying(UserError.class,
                e -> assertThat(e.getMessage()).isEqualTo(f + " line 4 column 5: expected , or }, found \"b\""));
        Files.writeString(f, "{ \"Dhcp4\": { <?include \"missing.json\"?> } }");
        assertThatThrownBy(() -> KeaConfigText.load(f)).hasMessageContaining("cannot read the included file " + dir.resolve("missing.json"));
        Files.writeString(f, "{ \"Dhcp4\": { <?include \"k.conf\"?> } }");
        assertThatThrownBy(() -> KeaConfigText.load(f)).hasMessageContaining("includes itself");
        Files.writeString(f, "{ \"Dhcp4\": { /* never closed } }");
        assertThatThrownBy(() -> KeaConfigText.load(f)).hasMessageContaining("never closed");
    }

    @Test
    void apply_elementMissingFromFile_isAConflictNamingThePath() throws IOException {
        KeaConfigText t = lab();
        KeaConfigPatch p = new KeaConfigPatch(List.of(new KeaConfigPatch.RemoveElement(
                List.of(new KeaConfigPatch.Member("Dhcp4"), new KeaConfigPatch.Member("subnet4")),
                new KeaConfigPatch.Key(Map.of("id", "7")))));
        assertThatThrownBy(() -> t.apply(p)).isInstanceOfSatisfying(UserError.class,
                e -> assertThat(e.kind()).isEqualTo(UserError.Kind.CONFLICT)).hasMessageContaining("no element [id=7]");
    }

    /** For random edits of generated configs written with comments, the edited text means exactly the edited config. */
    @Test
    void property_randomEdits_editedTextMeansTheEditedConfigAndKeepsComments() throws IOException {
        for (long seed = 1; seed <= 300; seed++) {
            Random r = new Random(seed);
            JsonNode before = KeaConfigs.generate(r);
            JsonNode after = KeaConfigs.edit(before, r, 1 + r.nextInt(6));
            String text = "# header comment\n" + JSON.writerWithDefaultPrettyPrinter().writeValueAsString(before)
                    .replace("\"valid-lifetime\" : ", "/* vl */ \"valid-lifetime\" : ") + "\n// footer\n";
            KeaConfigText t = KeaConfigText.parse(dir.resolve("p.conf"), text, f -> { throw new IOException("none"); });
            KeaConfigText e = t.apply(KeaConfigPatch.between(before, after));
            String out = e.files().get(t.main());
            assertThat(e.meaning()).as("seed %d", seed).isEqualTo(after);
            assertThat(LENIENT.readTree(out)).as("seed %d", seed).isEqualTo(after);
            assertThat(out).startsWith("# header comment\n").endsWith("\n// footer\n");
        }
    }
}
