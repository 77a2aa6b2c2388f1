package org.tandem.dhcpd.conf;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tandem dhcpd-conf}: commands that read dhcpd.conf files without touching any server. */
@Command(name = "dhcpd-conf", description = "Work with dhcpd.conf files.",
        mixinStandardHelpOptions = true, subcommands = DhcpdConfCommand.Check.class)
public final class DhcpdConfCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code tandem dhcpd-conf check FILE [--json]}: parses, renders back, and compares byte for byte. */
    @Command(name = "check", mixinStandardHelpOptions = true,
            description = {"Checks that Tandem can edit FILE: it parses and renders back byte-identical.",
                "Exit 0 when it does; else prints FILE:LINE:COLUMN and why, and exits 1 (2 when FILE cannot be read).",
                "This is not 'dhcpd -t': values are only checked where Tandem reads them."})
    public static final class Check implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The dhcpd.conf to check (includes are listed, not followed).")
        Path file;

        @Option(names = "--json", description = "Print the model view (subnets, pools, hosts, failover peers) as JSON.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                err.println(file + ": no such file");
                return 2;
            } catch (IOException e) {
                err.println(file + ": cannot read: " + e.getMessage());
                return 2;
            }
            try {
                DhcpdConf conf = DhcpdConf.parse(bytes);
                byte[] rendered = conf.renderBytes();
                if (!Arrays.equals(bytes, rendered)) {
                    int at = Arrays.mismatch(bytes, rendered);
                    String head = new String(bytes, 0, at, StandardCharsets.ISO_8859_1);
                    int line = (int) head.chars().filter(c -> c == '\n').count() + 1;
                    int column = at - head.lastIndexOf('\n');
                    err.println(file + ":" + line + ":" + column + ": renders back differently here (a Tandem bug; please report it)");
                    return 1;
                }
                if (json) {
                    // Only --json builds the model: it checks addresses and masks too, at about three times
                    // the cost of parsing, and the plain check must stay well under a second on big files.
                    out.println(ModelJson.toJson(conf.model()));
                } else {
                    out.println(file + ": OK (" + conf.statements().size() + " top-level statements, " + bytes.length
                            + " bytes, renders back byte-identical)");
                }
                out.flush();
                return 0;
            } catch (DhcpdConfParseException e) {
                err.println(file + ":" + e.line() + ":" + e.column() + ": " + e.problem());
                err.flush();
                return 1;
            }
        }
    }
}
