package io.stevedore.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./stevedore} command line: every feature is a subcommand. */
@Command(name = "stevedore", mixinStandardHelpOptions = true, version = "stevedore 0.1.0",
        description = "An open-source implementation of Amazon ECS Managed Instances.",
        subcommands = {CommandLine.HelpCommand.class, ServeCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }
}
