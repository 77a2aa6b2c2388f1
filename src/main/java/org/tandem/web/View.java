package org.tandem.web;

import java.util.List;
import java.util.Map;

/** The values the templates render: plain records, built by the page classes from the services' objects. */
public final class View {

    private View() {}

    /** What every page needs: its title, the signed-in user, the CSRF token and the active section of the header. */
    public record Page(String title, String user, String role, String csrf, String section) {}

    /** One server's config change, as a unified diff. */
    public record ServerDiff(String server, String diff) {
        public List<DiffLine> lines() {
            return diff.lines().map(DiffLine::of).toList();
        }

        public boolean empty() {
            return diff.isBlank();
        }
    }

    /** One line of a diff and how to show it (added, removed, header or context). */
    public record DiffLine(String kind, String text) {
        static DiffLine of(String line) {
            String kind = line.startsWith("+++") || line.startsWith("---") || line.startsWith("@@") ? "hdr"
                    : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "ctx";
            return new DiffLine(kind, line);
        }
    }

    /** A choice in a select or a group of radio buttons. */
    public record Option(String value, String label) {}

    /**
     * A form field. {@code type} is text, number, password, select, radio, textarea or readonly; {@code error} is the
     * message for what the user typed here (shown next to it), or null; {@code onlyWhen}, when not null, is the choice
     * of another field this one applies to (hidden, and left out of the Summary, otherwise).
     */
    public record Field(String name, String label, String type, String value, List<Option> options, String error, String help,
            When onlyWhen) {
        public static Field text(String name, String label, String value) {
            return new Field(name, label, "text", value, List.of(), null, null, null);
        }

        public static Field number(String name, String label, String value, String help) {
            return new Field(name, label, "number", value, List.of(), null, help, null);
        }

        public static Field select(String name, String label, String value, List<Option> options) {
            return new Field(name, label, "select", value, options, null, null, null);
        }

        public static Field radio(String name, String label, String value, List<Option> options) {
            return new Field(name, label, "radio", value, options, null, null, null);
        }

        public static Field readonly(String name, String label, String value) {
            return new Field(name, label, "readonly", value, List.of(), null, null, null);
        }

        public Field withError(String message) {
            return new Field(name, label, type, value, options, message, help, onlyWhen);
        }

        public Field withHelp(String text) {
            return new Field(name, label, type, value, options, error, text, onlyWhen);
        }

        /** This field only when field {@code other} has {@code value} (app.js shows and hides it as that choice changes). */
        public Field onlyWhen(String other, String value) {
            return new Field(name, label, type, this.value, options, error, help, new When(other, value));
        }

        public String id() {
            return "f-" + name;
        }

        /** The label of the chosen option (for summaries), else the value itself. */
        public String shown() {
            for (Option o : options) {
                if (o.value().equals(value)) {
                    return o.label();
                }
            }
            return value == null ? "" : value;
        }
    }

    /** The choice another field applies to: field {@code field} has value {@code value}. */
    public record When(String field, String value) {
        /** As the template writes it for app.js: {@code field=value}. */
        @Override
        public String toString() {
            return field + "=" + value;
        }
    }

    /**
     * A dialog with one form in two steps: the fields, then (after a dry run) a Summary with each server's diff and the
     * button that really writes. {@code values} are carried as hidden inputs in the second step.
     */
    public record Dialog(String title, String action, String submitLabel, List<Field> fields, String error, boolean summary,
            List<ServerDiff> diffs, Map<String, String> values, String note) {

        public boolean anyDiff() {
            return diffs.stream().anyMatch(d -> !d.empty());
        }

        /** Whether {@code f} applies to the dialog's current choices (see {@link Field#onlyWhen}). */
        public boolean applies(Field f) {
            if (f.onlyWhen() == null) {
                return true;
            }
            return fields.stream().filter(o -> o.name().equals(f.onlyWhen().field())).findFirst()
                    .map(o -> f.onlyWhen().value().equals(o.value())).orElse(true);
        }
    }

    /**
     * One row of the DHCP scopes grid: a subnet and its scope instances on one or two servers. {@code ref} is the scope
     * ref its page is addressed by ({@code /ui/scopes/dhcpScopes/12}).
     */
    public record ScopeRow(String ref, String name, String subnet, List<String> servers, String authority, boolean failover,
            String relationship, String state, String liveState, boolean enabled) {}

    /** The grid with its paging, sorting and filter. */
    public record ScopeGrid(List<ScopeRow> rows, String filter, String sort, boolean desc, int page, int pages, long total,
            int pageSize) {
        public String link(String newSort, boolean newDesc, int newPage) {
            return "/ui/scopes?sort=" + newSort + "&desc=" + newDesc + "&page=" + newPage + "&filter="
                    + java.net.URLEncoder.encode(filter, java.nio.charset.StandardCharsets.UTF_8);
        }

        public String sortLink(String column) {
            return link(column, column.equals(sort) && !desc, 1);
        }

        public String ariaSort(String column) {
            return !column.equals(sort) ? "none" : desc ? "descending" : "ascending";
        }
    }

    /** One address pool with the failover relationship its scope belongs to. */
    public record PoolRow(long id, String range, String failover, String failoverServers) {}

    /** One reservation of a scope: a fixed address for one client's MAC address. */
    public record ReservationRow(long id, String name, String address, String mac) {}

    /** A scope, its pools and its reservations. */
    public record ScopeDetail(ScopeRow scope, List<PoolRow> pools, List<ReservationRow> reservations) {}

    /** One DHCP server on the service management page. */
    public record ServerRow(long id, String name, String type, String address, int port, String state, int relationships) {}

    /** A group of servers (ISC DHCP or Kea). */
    public record ServerGroup(String name, List<ServerRow> servers) {}

    /** One relationship in a server's failover management window. */
    public record RelationshipRow(long id, String name, String primary, String secondary, String mode, String state,
            String liveState, int scopes, String settings) {}

    /** The failover management window of one server. */
    public record FailoverWindow(ServerRow server, List<RelationshipRow> relationships, String unavailable) {}

    /** The Kea configuration editor. */
    public record KeaConfigEditor(ServerRow server, String json, String baseHash, String error, String errorLine,
            List<ServerDiff> diffs, String message) {}

    /** One peer in the HA panel. */
    public record HaPeer(String server, String mode, String role, String state, List<String> scopes, String partnerState,
            String inTouch, String lastFailover, String error) {}

    /** The HA panel of a Kea pair. */
    public record HaPanel(ServerRow server, String partner, List<HaPeer> peers, String message, String error) {}

    /** One change in the history. */
    public record ChangeRow(long id, String when, String who, String action, String objectType, String object, String comment,
            ServerDiff diff) {}

    /** A page of the change history. */
    public record History(List<ChangeRow> rows, int page, int pages, String filter) {}
}
