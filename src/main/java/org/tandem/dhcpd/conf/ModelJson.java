package org.tandem.dhcpd.conf;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tandem.dhcpd.conf.DhcpdConfModel.FailoverPeer;
import org.tandem.dhcpd.conf.DhcpdConfModel.Host;
import org.tandem.dhcpd.conf.DhcpdConfModel.Pool;
import org.tandem.dhcpd.conf.DhcpdConfModel.Range;

/** The JSON shape of {@code tandem dhcpd-conf check --json}: ranges as text, absent parameters left out. */
final class ModelJson {

    private ModelJson() {
    }

    static String toJson(DhcpdConfModel m) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("subnets", m.subnets().stream().map(s -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("subnet", s.range().toString());
            put(o, "sharedNetwork", s.sharedNetwork());
            o.put("pools", s.pools().stream().map(ModelJson::pool).toList());
            o.put("ranges", s.ranges().stream().map(ModelJson::range).toList());
            o.put("hosts", s.hosts().stream().map(ModelJson::host).toList());
            o.put("line", s.line());
            return o;
        }).toList());
        root.put("sharedNetworks", m.sharedNetworks().stream().map(n -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("name", n.name());
            o.put("subnets", n.subnets().stream().map(Object::toString).toList());
            o.put("pools", n.pools().stream().map(ModelJson::pool).toList());
            put(o, "failoverPeer", n.failoverPeer());
            o.put("line", n.line());
            return o;
        }).toList());
        root.put("hosts", m.hosts().stream().map(ModelJson::host).toList());
        root.put("failoverPeers", m.failoverPeers().stream().map(ModelJson::peer).toList());
        root.put("includes", m.includes().stream().map(i -> Map.of("path", i.path(), "line", i.line())).toList());
        root.put("disabledSubnets", m.disabledSubnets().stream()
                .map(d -> Map.of("subnet", d.range().toString(), "line", d.line())).toList());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> pool(Pool p) {
        Map<String, Object> o = new LinkedHashMap<>();
        put(o, "failoverPeer", p.failoverPeer());
        o.put("ranges", p.ranges().stream().map(ModelJson::range).toList());
        o.put("line", p.line());
        return o;
    }

    private static Map<String, Object> range(Range r) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("first", r.range().first().toString());
        o.put("last", r.range().last().toString());
        if (r.dynamicBootp()) {
            o.put("dynamicBootp", true);
        }
        o.put("line", r.line());
        return o;
    }

    private static Map<String, Object> host(Host h) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", h.name());
        put(o, "hardwareEthernet", h.hardwareEthernet());
        o.put("fixedAddresses", h.fixedAddresses());
        o.put("line", h.line());
        return o;
    }

    private static Map<String, Object> peer(FailoverPeer p) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("name", p.name());
        o.put("role", p.effectiveRole().name().toLowerCase());
        put(o, "address", p.address());
        o.put("port", p.effectivePort());
        put(o, "peerAddress", p.peerAddress());
        o.put("peerPort", p.effectivePeerPort());
        put(o, "maxResponseDelay", p.maxResponseDelay());
        put(o, "maxUnackedUpdates", p.maxUnackedUpdates());
        put(o, "mclt", p.mclt());
        put(o, "split", p.split());
        put(o, "hba", p.hba());
        put(o, "loadBalanceMaxSeconds", p.loadBalanceMaxSeconds());
        put(o, "autoPartnerDown", p.autoPartnerDown());
        put(o, "maxLeaseMisbalance", p.maxLeaseMisbalance());
        put(o, "maxLeaseOwnership", p.maxLeaseOwnership());
        put(o, "minBalance", p.minBalance());
        put(o, "maxBalance", p.maxBalance());
        put(o, "sharedNetwork", p.sharedNetwork());
        o.put("line", p.line());
        return o;
    }

    private static void put(Map<String, Object> o, String key, Object value) {
        if (value != null) {
            o.put(key, value);
        }
    }

}
