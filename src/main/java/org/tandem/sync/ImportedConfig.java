package org.tandem.sync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tandem.dhcpd.conf.DhcpdConfModel;
import org.tandem.kea.config.KeaConfig;
import org.tandem.kea.config.KeaPool;
import org.tandem.kea.config.KeaReservation;
import org.tandem.kea.config.KeaSubnet;
import org.tandem.net.Ipv4Address;
import org.tandem.net.Ipv4Range;
import org.tandem.scope.Reservation;

/**
 * What one server's configuration declares that Tandem's store keeps: its subnets with their pools and
 * reservations. Built from a wire format by a direction-named converter ({@link #fromDhcpd}, {@link #fromKea}),
 * so the import code never sees dhcpd.conf syntax or Kea JSON. {@code disabled} are subnets Tandem disabled
 * on the server (their scope instances stay, disabled). {@code skipped} lists what the store cannot
 * hold (a host without a MAC address, a fixed address by host name), each with the reason.
 */
public record ImportedConfig(List<Subnet> subnets, List<Ipv4Range> disabled, List<String> skipped) {

    /** One subnet with its pools and reservations. */
    public record Subnet(Ipv4Range range, List<Ipv4Range> pools, List<Host> reservations) {}

    /**
     * One reservation: the client's identifier (lower-case hex bytes with colons; for {@code HardwareAddress} its MAC
     * address) by {@code method}, and an address inside the subnet.
     */
    public record Host(String name, Reservation.Method method, String identifier, Ipv4Address address, Reservation.Boot boot) {

        public Host {
            boot = boot == null ? Reservation.Boot.NONE : boot;
        }

        public Host(String name, Reservation.Method method, String identifier, Ipv4Address address) {
            this(name, method, identifier, address, Reservation.Boot.NONE);
        }

        /** What tells two reservations apart in one scope instance. */
        public String key() {
            return method + " " + identifier + "@" + address;
        }
    }

    public ImportedConfig {
        subnets = List.copyOf(subnets);
        disabled = List.copyOf(disabled);
        skipped = List.copyOf(skipped);
    }

    /** The subnets of a dhcpd.conf; a pool's ranges and ranges written directly in the subnet each become a pool. */
    public static ImportedConfig fromDhcpd(DhcpdConfModel model) {
        List<Subnet> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (DhcpdConfModel.Subnet s : model.subnets()) {
            List<Ipv4Range> pools = new ArrayList<>();
            for (DhcpdConfModel.Pool p : s.pools()) {
                p.ranges().forEach(r -> pools.add(r.range()));
            }
            s.ranges().forEach(r -> pools.add(r.range()));
            List<Host> hosts = new ArrayList<>();
            for (DhcpdConfModel.Host h : s.hosts()) {
                hostFromDhcpd(h, s.range()).ifPresentOrElse(hosts::add,
                        () -> skipped.add("host \"" + h.name() + "\" (line " + h.line() + "): needs hardware ethernet and one fixed-address"
                                + " written as an IPv4 address inside subnet " + s.range().first()));
            }
            out.add(new Subnet(s.range(), pools, hosts));
        }
        // Hosts written outside any subnet belong to the subnet holding their address (dhcpd matches them that way too).
        java.util.Set<DhcpdConfModel.Host> inSubnets = new java.util.HashSet<>();
        model.subnets().forEach(s -> inSubnets.addAll(s.hosts()));
        for (DhcpdConfModel.Host h : model.hosts()) {
            if (inSubnets.contains(h)) {
                continue;
            }
            boolean placed = false;
            for (int i = 0; i < out.size() && !placed; i++) {
                Subnet s = out.get(i);
                var host = hostFromDhcpd(h, s.range());
                if (host.isPresent() && s.reservations().stream().noneMatch(x -> x.address().equals(host.get().address()))) {
                    List<Host> hosts = new ArrayList<>(s.reservations());
                    hosts.add(host.get());
                    out.set(i, new Subnet(s.range(), s.pools(), hosts));
                    placed = true;
                }
            }
            if (!placed) {
                skipped.add("host \"" + h.name() + "\" (line " + h.line() + "): no subnet holds its fixed-address");
            }
        }
        // Subnets the failover engine disabled (deconfigure action Disable) are commented out, not gone.
        List<Ipv4Range> disabled = model.disabledSubnets().stream().map(DhcpdConfModel.DisabledSubnet::range).toList();
        return new ImportedConfig(out, disabled, skipped);
    }

    private static java.util.Optional<Host> hostFromDhcpd(DhcpdConfModel.Host h, Ipv4Range subnet) {
        if (h.hardwareEthernet() == null || h.fixedAddresses().size() != 1) {
            return java.util.Optional.empty();
        }
        String mac = h.hardwareEthernet().toLowerCase(Locale.ROOT).replace('-', ':');
        if (!mac.matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}")) {
            return java.util.Optional.empty();
        }
        try {
            Ipv4Address address = Ipv4Address.parse("fixed-address", h.fixedAddresses().get(0));
            Reservation.Boot boot = new Reservation.Boot(h.parameters().get("ddns-hostname"), h.parameters().get("filename"),
                    h.parameters().get("server-name"), h.parameters().get("next-server"));
            return subnet.contains(address) ? java.util.Optional.of(new Host(h.name(), Reservation.Method.HardwareAddress, mac, address, boot))
                    : java.util.Optional.empty();
        } catch (RuntimeException notAnAddress) {
            // A fixed-address written as a host name: dhcpd resolves it at start; the store keeps addresses only.
            return java.util.Optional.empty();
        }
    }

    /** The subnet4 list of a Kea config, ids kept; HA client classes on pools are the HA hook's business and dropped. */
    public static ImportedConfig fromKea(KeaConfig config) {
        List<Subnet> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        // Subnets Tandem disabled keep their reservations but park their pools: their instances stay, disabled.
        // Looked for in the raw JSON first: copying a config of thousands of subnets on every sync is not free.
        boolean anyDisabled = new String(config.json(), java.nio.charset.StandardCharsets.UTF_8)
                .contains(org.tandem.kea.config.KeaConfigDocument.DISABLED_POOLS_KEY);
        List<Ipv4Range> disabled = anyDisabled ? config.edit().disabledSubnets() : List.of();
        for (KeaSubnet s : config.subnets()) {
            if (disabled.contains(s.subnet())) {
                continue;
            }
            List<Ipv4Range> pools = s.pools().stream().map(KeaPool::range).toList();
            Map<Ipv4Address, Host> hosts = new LinkedHashMap<>();
            int n = 0;
            for (KeaReservation r : s.reservations()) {
                n++;
                String which = "reservation " + n + " of subnet " + s.subnet() + " (id " + s.id() + ")";
                if (r.kind() == null) {
                    skipped.add(which + ": it has none of hw-address, client-id, duid, circuit-id and flex-id");
                    continue;
                }
                if (r.ipAddress() == null || !s.subnet().contains(r.ipAddress())) {
                    skipped.add(which + " (" + r.kind().key() + " " + r.identifier() + "): Tandem keeps reservations of an"
                            + " ip-address inside the subnet; this one stays on the server as it is");
                    continue;
                }
                String name = r.hostname() != null && !r.hostname().isBlank() ? r.hostname() : "kea-" + s.id() + "-" + r.ipAddress();
                Reservation.Method method = Reservation.Method.ofKeaKey(r.kind().key()).orElseThrow();
                hosts.putIfAbsent(r.ipAddress(), new Host(name, method, r.identifierHex(), r.ipAddress(),
                        new Reservation.Boot(r.hostname(), r.bootFileName(), r.serverHostname(), r.nextServer())));
            }
            out.add(new Subnet(s.subnet(), pools, List.copyOf(hosts.values())));
        }
        return new ImportedConfig(out, disabled, skipped);
    }
}
