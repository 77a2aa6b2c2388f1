package org.tandem.failover;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.tandem.auth.Actor;
import org.tandem.common.UserError;
import org.tandem.dhcpd.conf.ConfValues;
import org.tandem.dhcpd.conf.DhcpdConf;
import org.tandem.dhcpd.conf.DhcpdConfEditor;
import org.tandem.kea.KeaEngine;
import org.tandem.kea.config.KeaConfigDocument;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.DhcpOption;
import org.tandem.scope.DhcpScope;
import org.tandem.scope.ScopeService;
import org.tandem.servers.DhcpServer;
import org.tandem.servers.ServerType;

/**
 * A scope's DHCP options (Micetro's GetDHCPScopeOptions / SetDHCPScopeOptions). The servers hold them, not Tandem: they
 * are read from the scope's server ({@code option} statements of the dhcpd subnet, {@code option-data} of the Kea
 * subnet) and written there by editing exactly those statements or elements, on both peers of a failover or HA pair in
 * one change ({@link ScopeWrites#onScopeServers}).
 *
 * <p>Setting merges: the options named are set, an option given with an empty value is removed, and every option not
 * named stays as it is, options Tandem does not model included (Micetro's Ansible collection sends only the options a
 * playbook names; replacing would remove the others on every run).
 */
public final class ScopeOptionWrites {

    /** One option as Micetro shows it: {@code option} its id ({@code ::CODE}, or the server's name for one Tandem does not know), {@code value} its text. */
    public record Shown(String option, String value) {}

    /** One option of a set request, as the client gave it (field names its place in the request, for errors). */
    public record Given(String field, String option, String value) {}

    private final ScopeService store;
    private final FailoverService failover;
    private final ServerTargets targets;
    private final KeaEngine kea;
    private final ScopeWrites writes;

    public ScopeOptionWrites(ScopeService store, FailoverService failover, ServerTargets targets, KeaEngine kea, ScopeWrites writes) {
        this.store = Objects.requireNonNull(store);
        this.failover = Objects.requireNonNull(failover);
        this.targets = Objects.requireNonNull(targets);
        this.kea = Objects.requireNonNull(kea);
        this.writes = Objects.requireNonNull(writes);
    }

    /** The scope's options as its server's configuration has them (read now through the agent, or Kea's recent config-get). */
    public List<Shown> options(String field, String scopeRef) {
        DhcpScope scope = store.scope(field, scopeRef);
        DhcpServer server = failover.server(scope.serverId());
        Ipv4Range subnet = scope.addresses();
        List<Shown> out = new ArrayList<>();
        try {
            if (server.type() == ServerType.ISC) {
                DhcpdConfEditor conf = new DhcpdConfEditor(DhcpdConf.parse(targets.target(server).read().text()));
                requireDeclared(scope, server, conf.conf().model().subnet(subnet).isPresent());
                conf.subnetOptions(subnet).forEach(o -> out.add(fromDhcpd(o)));
            } else {
                KeaConfigDocument doc = kea.forPlanning(ServerTargets.keaClient(server)).edit();
                requireDeclared(scope, server, doc.subnet(subnet).isPresent());
                doc.subnetOptions(subnet).forEach(o -> out.add(fromKea(o)));
            }
        } catch (UserError e) {
            if (e.kind() == UserError.Kind.CONFLICT) {
                throw e;
            }
            throw new UserError(e.kind(), e.field(), "DHCP server \"" + server.name() + "\" could not be read: " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Sets, or with an empty value removes, each option given on every server of the scope, in one change; options not
     * given stay. A value is checked against its option's type before any server is asked; an option Tandem does not
     * model can be removed, not set.
     */
    public ScopeWrites.Outcome<Void> setOptions(Actor actor, String saveComment, String field, String scopeRef, List<Given> given,
            boolean dryRun) {
        DhcpScope scope = store.scope(field, scopeRef);
        List<Planned> planned = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Given g : given) {
            String optionField = g.field() + ".option";
            DhcpOption.Name name = DhcpOption.parseName(optionField, g.option());
            Optional<DhcpOption> known = name.known();
            String key = known.map(o -> "::" + o.code()).orElse(name.text());
            if (!seen.add(key)) {
                throw UserError.invalid(optionField, "option \"" + g.option() + "\" is given twice");
            }
            if (g.value() == null || g.value().isEmpty()) {
                planned.add(new Planned(name, known.orElse(null), null));
            } else if (known.isEmpty()) {
                throw UserError.invalid(optionField, "Tandem does not model option \"" + g.option() + "\": it lists and keeps such options"
                        + " and removes one given with an empty value, but sets only " + knownList());
            } else {
                planned.add(new Planned(name, known.get(), known.get().parse(g.field() + ".value", g.value())));
            }
        }
        Ipv4Range subnet = scope.addresses();
        return writes.onScopeServers(actor, saveComment, dryRun, scope, (server, conf) -> {
            requireDeclared(scope, server, conf.conf().model().subnet(subnet).isPresent());
            for (Planned p : planned) {
                if (p.value != null) {
                    conf.setSubnetOption(subnet, p.option.dhcpdName(), toDhcpd(p.value));
                } else {
                    conf.removeSubnetOption(subnet, p.option != null ? p.option.dhcpdName() : p.name.text());
                }
            }
        }, (server, doc) -> {
            requireDeclared(scope, server, doc.subnet(subnet).isPresent());
            for (Planned p : planned) {
                if (p.value != null) {
                    doc.setSubnetOption(subnet, p.option.keaName(), p.option.code(), toKea(p.value));
                } else if (p.option != null) {
                    doc.removeSubnetOption(subnet, p.option.keaName(), p.option.code(), "dhcp4");
                } else {
                    doc.removeSubnetOption(subnet, p.name.code() == null ? p.name.text() : null, p.name.code(), "dhcp4");
                }
            }
        });
    }

    /** One option of a set request, checked: {@code value} null removes it. */
    private record Planned(DhcpOption.Name name, DhcpOption option, DhcpOption.Value value) {}

    private static void requireDeclared(DhcpScope scope, DhcpServer server, boolean declared) {
        if (!declared) {
            throw UserError.conflict("Scope " + scope.addresses() + " is not declared on DHCP server \"" + server.name() + "\" (disabled, or"
                    + " removed outside Tandem), so its options cannot be read or set there; enable it or sync the server first");
        }
    }

    private static String knownList() {
        StringBuilder sb = new StringBuilder();
        for (DhcpOption o : DhcpOption.KNOWN) {
            sb.append(sb.isEmpty() ? "" : ", ").append(o.code()).append(' ').append(o.keaName());
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- converters

    /** A dhcpd option statement as Micetro shows it: a known option by its code with its items, any other as written. */
    public static Shown fromDhcpd(DhcpdConfEditor.OptionStatement o) {
        Optional<DhcpOption> known = DhcpOption.byName(o.name()).filter(d -> d.dhcpdName().equals(o.name()));
        if (known.isEmpty()) {
            return new Shown(o.name(), o.value());
        }
        List<String> items = new ArrayList<>();
        for (String item : splitOutsideQuotes(o.value())) {
            items.add(ConfValues.unquote(item.strip()));
        }
        return new Shown(known.get().micetroId(), String.join(",", items));
    }

    /**
     * A checked value in dhcpd syntax: text and domain names quoted (they hold no quote, backslash or line break, so
     * the string cannot end early), addresses, numbers and flags bare, items separated by ", ".
     */
    public static String toDhcpd(DhcpOption.Value v) {
        List<String> out = new ArrayList<>();
        for (String item : v.items()) {
            out.add(v.option().type().isQuoted() ? "\"" + item + "\"" : item);
        }
        return String.join(", ", out);
    }

    /** A Kea option-data element as Micetro shows it; one of another space is named {@code SPACE.NAME}. */
    public static Shown fromKea(KeaConfigDocument.OptionData o) {
        Optional<DhcpOption> known = !o.space().equals("dhcp4") ? Optional.empty()
                : o.code() != null ? DhcpOption.byCode(o.code()) : Optional.ofNullable(o.name()).flatMap(DhcpOption::byName);
        if (known.isPresent() && o.csvFormat()) {
            List<String> items = new ArrayList<>();
            for (String item : (known.get().type().isList() ? List.of(o.data().split(",", -1)) : List.of(o.data()))) {
                items.add(item.strip());
            }
            return new Shown(known.get().micetroId(), String.join(",", items));
        }
        String id = o.space().equals("dhcp4") ? (o.code() != null ? "::" + o.code() : o.name())
                : o.space() + "." + (o.name() != null ? o.name() : String.valueOf(o.code()));
        return new Shown(id, o.data());
    }

    /** A checked value as Kea's csv-format data: items separated by ", " (text holds no comma, so it stays one field). */
    public static String toKea(DhcpOption.Value v) {
        return String.join(", ", v.items());
    }

    private static List<String> splitOutsideQuotes(String text) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && quoted && i + 1 < text.length()) {
                cur.append(c).append(text.charAt(++i));
                continue;
            }
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
