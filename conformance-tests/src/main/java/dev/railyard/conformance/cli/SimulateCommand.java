package dev.railyard.conformance.cli;

import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.conformance.matrix.PluginDiscovery;
import dev.railyard.conformance.scheduler.SchedulerProfile;
import dev.railyard.conformance.sim.CostCalibrator;
import dev.railyard.conformance.sim.CostModel;
import dev.railyard.conformance.sim.CostSample;
import dev.railyard.conformance.tradeoff.TradeoffBenchmark;
import dev.railyard.conformance.tradeoff.TradeoffChart;
import dev.railyard.conformance.tradeoff.TradeoffResult;
import dev.railyard.conformance.tradeoff.TradeoffTable;
import dev.railyard.conformance.workload.LengthDistribution;
import dev.railyard.conformance.workload.PromptStyle;
import dev.railyard.conformance.workload.WorkloadSpec;
import dev.railyard.host.cli.UserException;
import dev.railyard.host.wiring.RailyardHome;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code railyard simulate}: the latency/throughput trade-off of schedulers across offered loads. */
@Command(name = "simulate",
        header = "Prints the latency/throughput trade-off of schedulers across offered loads.", mixinStandardHelpOptions = true,
        description = {
            "Prints the latency/throughput trade-off of schedulers across offered loads: the same seeded",
            "workload (ShareGPT-like lengths, code-like repetitive text) arrives as a Poisson process at each",
            "load, a fraction of the first scheduler's offline maximum. On the simulated backend it runs in",
            "virtual time (exact, fast, thousands of requests); on a real backend (--backend) in wall time.",
            "Writes tradeoff.md and tradeoff.png to --output.",
            "",
            "  railyard simulate                                   continuous vs dynamic vs speculative",
            "  railyard simulate --calibrate cpu-reference         the simulated backend timed like cpu-reference",
            "  railyard simulate --backend cpu-reference --requests 40 --loads 0.3,0.6,0.9   in wall time"
        })
public final class SimulateCommand implements Callable<Integer> {

    @Option(names = "--scheduler", paramLabel = "NAME",
            description = "schedulers to compare, the first defines load 100% (repeatable; default: continuous, dynamic, "
                    + "dynamic[batch-64], speculative)")
    List<String> schedulers = new ArrayList<>();

    @Option(names = "--loads", paramLabel = "L1,L2,...", split = ",",
            description = "offered loads as fractions of the base capacity (default: 0.1,0.25,0.4,0.55,0.7,0.85,1.0,1.15,1.3)")
    double[] loads = {0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1.0, 1.15, 1.3};

    @Option(names = "--requests", paramLabel = "N", description = "requests per load (default: 1000 simulated, 40 real)")
    Integer requests;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "simulated",
            description = "the backend: simulated (virtual time, default) or a real one on the tiny model (wall time)")
    String backend;

    @Option(names = "--calibrate", paramLabel = "BACKEND",
            description = "time the simulated backend like BACKEND: measure its steps on the tiny model and fit the cost model")
    String calibrate;

    @Option(names = "--seed", defaultValue = "7", description = "workload seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--output", paramLabel = "DIR", defaultValue = "simulate-report",
            description = "where tradeoff.md and tradeoff.png go (default: ${DEFAULT-VALUE})")
    Path output = Path.of("simulate-report");

    @Option(names = "--plugins-dir", paramLabel = "DIR", defaultValue = "plugins", description = "extra plugin jars")
    String pluginsDir = "plugins";

    /** Runs the command without the rest of the CLI (the kit's jar and its dependencies on the class path suffice). */
    public static void main(String[] args) {
        System.exit(new picocli.CommandLine(new SimulateCommand()).execute(args));
    }

    @Override
    public Integer call() {
        Path dir = RailyardHome.home().resolve(pluginsDir);
        List<String> wanted = schedulers.isEmpty() ? List.of("continuous", "dynamic", "dynamic[batch-64]", "speculative") : schedulers;
        List<SchedulerProfile> found;
        try {
            found = PluginDiscovery.schedulers(dir, schedulers.isEmpty() ? List.of() : schedulers);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        List<SchedulerProfile> chosen = new ArrayList<>();
        for (String w : wanted) {
            found.stream().filter(p -> p.name().equals(w)).findFirst()
                    .or(() -> found.stream().filter(p -> p.provider().name().equals(w)).findFirst())
                    .ifPresent(chosen::add);
        }
        if (chosen.isEmpty()) {
            throw new UserException("none of the schedulers " + wanted + " was found");
        }
        boolean simulated = backend.equals("simulated");
        BackendProfile profile;
        if (simulated) {
            profile = BackendProfile.simulated(calibrate == null ? Map.of() : calibrated(calibrate, dir));
        } else {
            profile = PluginDiscovery.backends(dir, List.of(backend)).getFirst();
        }
        int n = requests != null ? requests : simulated ? 1000 : 40;
        WorkloadSpec spec = simulated
                ? WorkloadSpec.builder("sharegpt-like").requests(n).promptLengths(LengthDistribution.shareGptPrompt(0.5, 1024))
                        .outputLengths(LengthDistribution.shareGptOutput(0.5, 512)).style(PromptStyle.REPETITIVE).seed(seed).build()
                : WorkloadSpec.builder("small").requests(n).promptLengths(LengthDistribution.uniform(8, 96))
                        .outputLengths(LengthDistribution.uniform(8, 48)).style(PromptStyle.REPETITIVE).seed(seed).build();
        TradeoffResult r;
        try (BackendSetup setup = new BackendSetup(profile)) {
            spec = spec.toBuilder().vocab(setup.info().vocabSize()).build();
            r = new TradeoffBenchmark(chosen, setup, spec, loads, !simulated).run(line -> System.err.println("  " + line));
        }
        String table = TradeoffTable.render(r);
        try {
            Files.createDirectories(output);
            Files.writeString(output.resolve("tradeoff.md"), table);
            TradeoffChart.write(r, output.resolve("tradeoff.png"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + output + ": " + e.getMessage(), e);
        }
        System.out.println(table);
        System.out.println("table: " + output.resolve("tradeoff.md") + ", chart: " + output.resolve("tradeoff.png"));
        return 0;
    }

    /** Measures {@code name} on the tiny model and returns the simulated backend's cost keys. */
    private static Map<String, Object> calibrated(String name, Path pluginsDir) {
        BackendProfile real = PluginDiscovery.backends(pluginsDir, List.of(name)).getFirst();
        try (BackendSetup s = new BackendSetup(real); Backend b = s.open(Clock.system(), 0)) {
            List<CostSample> samples = CostCalibrator.measure(b, 3, 1);
            CostModel m = CostModel.calibrate(samples);
            System.err.printf(Locale.ROOT, "  calibrated on %s (%d steps): %s, R² %.3f%n", name, samples.size(), m, m.rSquared(samples));
            Map<String, Object> keys = new LinkedHashMap<>();
            keys.put("step-fixed-micros", m.fixedNanos() / 1000);
            keys.put("per-token-micros", m.perTokenNanos() / 1000);
            keys.put("per-kv-read-nanos", m.perKvReadNanos());
            return keys;
        }
    }

    @Override
    public String toString() {
        return "simulate " + Arrays.toString(loads);
    }
}
