package org.tandem;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Tandem's single entry point: every process and client command is a subcommand of {@code tandem}. */
@Command(
        name = "tandem",
        mixinStandardHelpOptions = true,
        version = "Tandem 0.1.0",
        description = "Manages ISC DHCP failover relationships and Kea High Availability pairs.",
        subcommandsRepeatable = false)
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The full command tree; tests build it too, to run commands in-process. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        // Each subcommand is registered here, in one place, so `tandem --help` lists them all.
        cli.addSubcommand(new org.tandem.central.ServerCommand());
        cli.addSubcommand(new org.tandem.central.BackupCommand());
        cli.addSubcommand(new org.tandem.dhcpd.conf.DhcpdConfCommand());
        cli.addSubcommand(new org.tandem.agent.AgentCommand());
        cli.addSubcommand(new org.tandem.lab.LabCommand());
        cli.addSubcommand(new org.tandem.cli.LoginCommand());
        cli.addSubcommand(new org.tandem.cli.ServersCommand());
        cli.addSubcommand(new org.tandem.cli.ScopesCommand());
        cli.addSubcommand(new org.tandem.cli.FailoverCommand());
        cli.addSubcommand(new org.tandem.cli.HaCommand());
        cli.addSubcommand(new org.tandem.cli.CheckCommand());
        cli.addSubcommand(new org.tandem.cli.HistoryCommand());
        cli.addSubcommand(new org.tandem.cli.UsersCommand());
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
