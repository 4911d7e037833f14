package io.stevedore.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The {@code ./stevedore} command line: every feature is a subcommand. */
@Command(name = "stevedore", mixinStandardHelpOptions = true, version = "stevedore 0.1.0",
        description = "An open-source implementation of Amazon ECS Managed Instances.",
        subcommands = {CommandLine.HelpCommand.class, InstanceTypesCommand.class, PlanCommand.class,
                ServeCommand.class, SimulateCommand.class, EventsCommand.class, FaultCommand.class,
                AgentCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** Runs the CLI with the given output and error writers (used by tests to capture output). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // '@file' is an option value here (e.g. --requirements @req.json), not a picocli argument file.
        cl.setExpandAtFiles(false);
        return cl;
    }
}
