package dev.railyard.conformance.cli;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.matrix.JsonReport;
import dev.railyard.conformance.matrix.MarkdownReport;
import dev.railyard.conformance.matrix.MatrixResult;
import dev.railyard.conformance.matrix.MatrixRunner;
import dev.railyard.conformance.matrix.PluginDiscovery;
import dev.railyard.conformance.scheduler.SchedulerProfile;
import dev.railyard.host.cli.UserException;
import dev.railyard.host.wiring.RailyardHome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code railyard conformance}: the kit over every scheduler × backend combination, as a report. */
@Command(name = "conformance",
        header = "Runs the conformance kit over scheduler x backend combinations and writes a report.", mixinStandardHelpOptions = true,
        description = {
            "Runs the conformance kit over every scheduler x backend combination found (or those named),",
            "and writes a report in Markdown and JSON: one row per combination, one column per rule group",
            "(plans, correctness, liveness & fairness, contracts, backend); each cell pass, FAIL with the",
            "first message, or skipped with the reason. Schedulers run thousands of requests on the",
            "simulated backend (virtual time) and small workloads on real backends (the tiny model).",
            "Exit code 0 when no rule fails, 1 otherwise.",
            "",
            "  railyard conformance                           every combination",
            "  railyard conformance --scheduler continuous --backend simulated",
            "  railyard conformance --list-rules              the rules, with ids and statements",
            "  railyard conformance --tradeoff                the scheduler trade-off benchmark (as 'simulate')"
        })
public final class ConformanceCommand implements Callable<Integer> {

    @Option(names = "--scheduler", paramLabel = "NAME",
            description = "a scheduler to test (repeatable; a provider name or a variant like continuous[priority]); default: all")
    List<String> schedulers = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "NAME", description = "a backend to test on (repeatable); default: all")
    List<String> backends = new ArrayList<>();

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "conformance-report",
            description = "where report.md and report.json go (default: ${DEFAULT-VALUE})")
    Path output;

    @Option(names = "--plugins-dir", paramLabel = "DIR", defaultValue = "plugins",
            description = "extra plugin jars, each in its own class loader (default: ${DEFAULT-VALUE})")
    String pluginsDir;

    @Option(names = "--keep-going",
            description = "judge the scheduler rules even on a backend that fails its own rules (by default they are skipped)")
    boolean keepGoing;

    @Option(names = "--list-rules", description = "print the rules and exit")
    boolean listRules;

    @Option(names = "--tradeoff", description = "run the latency/throughput trade-off benchmark instead (see 'railyard simulate')")
    boolean tradeoff;

    /** Runs the command without the rest of the CLI (the kit's jar and its dependencies on the class path suffice). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new ConformanceCommand()).execute(args));
    }

    @Override
    public Integer call() {
        if (listRules) {
            for (Rule r : Rule.values()) {
                System.out.printf("%-4s %-20s %s%n", r.id(), r.group().title(), r.statement());
            }
            return 0;
        }
        if (tradeoff) {
            SimulateCommand s = new SimulateCommand();
            s.output = output;
            return s.call();
        }
        Path dir = RailyardHome.home().resolve(pluginsDir);
        List<SchedulerProfile> ss;
        List<BackendProfile> bs;
        try {
            ss = PluginDiscovery.schedulers(dir, schedulers);
            bs = PluginDiscovery.backends(dir, backends);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (ss.isEmpty() || bs.isEmpty()) {
            throw new UserException("nothing to test: " + ss.size() + " schedulers and " + bs.size() + " backends found");
        }
        System.err.println("railyard conformance: " + ss.size() + " schedulers x " + bs.size() + " backends");
        MatrixResult m = new MatrixRunner(ss, bs).gateOnBackendRules(!keepGoing).run(line -> System.err.println("  " + line));
        try {
            Files.createDirectories(output);
            Files.writeString(output.resolve("report.md"), MarkdownReport.render(m));
            Files.writeString(output.resolve("report.json"), JsonReport.render(m));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + output + ": " + e.getMessage(), e);
        }
        System.out.println(MarkdownReport.summaryTable(m, 90));
        System.out.println((m.allPassed() ? "all combinations pass" : "some rules FAIL") + "; report: "
                + output.resolve("report.md") + " and " + output.resolve("report.json"));
        return m.allPassed() ? 0 : 1;
    }
}
