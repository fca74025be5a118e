package dev.railyard.host.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code railyard} command line. Run through the {@code ./railyard} launcher, which picks
 * Java 25, builds what is missing and passes the JVM flags.
 */
@Command(name = "railyard",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Railyard serves large language models with pluggable schedulers and backends,",
            "and proves each combination with a conformance kit.",
            "",
            "Run 'railyard COMMAND --help' for a command's options."
        },
        subcommands = {
            DemoCommand.class,
            PluginsCommand.class,
            GenerateCommand.class,
            ModelCommand.class,
            TestCommand.class,
            EngineBenchCommand.class,
            SpecBenchCommand.class,
            ServeCommand.class,
            BenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (tests call this). */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /**
     * Columns of the help texts. Their descriptions are written in lines of up to 100 characters;
     * at picocli's default of 80 each such line broke in two, leaving a ragged text.
     */
    static final int HELP_WIDTH = 110;

    /**
     * The whole command tree: the built-in commands, those of the {@link CliExtension}s on the
     * class path, the user-error handler on every command, and the help width.
     */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (CliExtension ext : java.util.ServiceLoader.load(CliExtension.class)) {
            cl.addSubcommand(ext.command());
        }
        cl.setExecutionExceptionHandler(new UserErrorHandler());
        for (CommandLine sub : cl.getSubcommands().values()) {
            sub.setExecutionExceptionHandler(new UserErrorHandler());
        }
        cl.setUsageHelpWidth(HELP_WIDTH);
        separateHelpSections(cl);
        return cl;
    }

    /** Blank lines between a help's summary, usage, description, options and commands, in the whole tree. */
    private static void separateHelpSections(CommandLine cl) {
        CommandLine.Model.UsageMessageSpec usage = cl.getCommandSpec().usageMessage();
        if (usage.header().length > 0) {
            usage.synopsisHeading("%nUsage: ");
        }
        usage.descriptionHeading("%n").optionListHeading("%nOptions:%n").commandListHeading("%nCommands:%n");
        for (CommandLine sub : cl.getSubcommands().values()) {
            separateHelpSections(sub);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
