package dev.railyard.host.cli;

import dev.railyard.host.bench.EngineOverheadBenchmark;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Measures the engine's own cost per step. */
@Command(name = "engine-bench",
        header = "Measures the engine's own overhead per step, on a backend that does no work.", mixinStandardHelpOptions = true,
        description = {
            "Measures the engine's own overhead per step: many sequences decode on a backend that",
            "does no work, so the time measured is the host's alone (scheduler, plan validation,",
            "batch building, sampling, streaming, bookkeeping). Goal: under 100 us per step with",
            "256 running sequences."
        })
final class EngineBenchCommand implements Callable<Integer> {

    @Option(names = "--sequences", defaultValue = "256", description = "running sequences (default: ${DEFAULT-VALUE})")
    int sequences;

    @Option(names = "--steps", defaultValue = "5000", description = "measured steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "3000", description = "warm-up steps (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--scheduler", defaultValue = "continuous", description = "scheduler plugin (default: ${DEFAULT-VALUE})")
    String scheduler;

    @Override
    public Integer call() {
        System.err.printf("engine overhead: %d sequences, %d warm-up + %d measured steps, scheduler %s%n", sequences, warmup, steps,
                scheduler);
        EngineOverheadBenchmark.Result r = EngineOverheadBenchmark.run(scheduler, sequences, warmup, steps, System.err);
        TextTable t = new TextTable("measure", "value", "goal");
        t.row("engine-thread CPU time per step, mean", String.format("%.1f us", r.cpuMicrosPerStep()), "< 100 us");
        t.row("host wall time per step, mean", String.format("%.1f us", r.meanMicros()), "");
        t.row("host time per step, p50", String.format("%.1f us", r.p50Micros()), "");
        t.row("host time per step, p99", String.format("%.1f us", r.p99Micros()), "");
        t.row("wall time per step (incl. no-op backend)", String.format("%.1f us", r.wallMicrosPerStep()), "");
        System.out.print(t);
        System.out.println(r.cpuMicrosPerStep() < 100 ? "PASS: mean CPU time per step under 100 us" : "MISS: mean CPU time per step over 100 us");
        System.out.println("(CPU time of the engine thread is the figure judged: wall-clock means on a shared 2-core");
        System.out.println(" machine include time the thread spent descheduled; the p50 wall figure shows the same.)");
        return 0;
    }
}
