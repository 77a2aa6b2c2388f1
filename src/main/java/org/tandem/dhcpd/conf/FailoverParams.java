package org.tandem.dhcpd.conf;

import java.util.List;

/** Names the statements inside a {@code failover peer} block the same way for reading and for editing. */
final class FailoverParams {

    private FailoverParams() {
    }

    /**
     * The parameter a peer-block statement sets: {@code role}, {@code address}, {@code peer address},
     * {@code load balance max seconds}, and {@code balance} for both {@code split} and {@code hba} (one
     * replaces the other).
     */
    static String key(Statement s) {
        String k = s.keyword();
        return switch (k) {
            case "primary", "secondary" -> "role";
            case "peer" -> "peer " + s.word(1);
            case "load" -> "load balance max seconds";
            case "split", "hba" -> "balance";
            default -> k;
        };
    }

    /** The value words after the parameter's name, joined: {@code 10.0.0.1}, {@code 647}. */
    static String value(Statement s) {
        List<String> w = s.words();
        int skip = switch (key(s)) {
            case "role" -> w.size();
            case "load balance max seconds" -> 4;
            default -> s.keyword().equals("peer") ? 2 : 1;
        };
        StringBuilder sb = new StringBuilder();
        for (int i = skip; i < w.size(); i++) {
            sb.append(w.get(i));
        }
        return sb.toString();
    }

    /** True for {@code failover peer NAME { ... }} (a declaration), false for the lease file's {@code ... state { }}. */
    static boolean isPeerDeclaration(Statement s) {
        return s.isBlock() && s.keyword().equals("failover") && s.word(1).equals("peer") && s.words().size() == 3;
    }

    /** True for {@code failover peer "NAME";} inside a pool or shared-network. */
    static boolean isPeerReference(Statement s) {
        return !s.isBlock() && s.keyword().equals("failover") && s.word(1).equals("peer") && s.words().size() == 3;
    }

    static String peerName(Statement s) {
        return ConfValues.unquote(s.words().get(2));
    }
}
