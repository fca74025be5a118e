package dev.railyard.host.bench;

import dev.railyard.host.clock.VirtualClock;
import dev.railyard.host.config.ConfigBinder;
import dev.railyard.host.engine.EngineCore;
import dev.railyard.host.engine.EngineObserver;
import dev.railyard.host.engine.EngineSettings;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.StepRecord;
import dev.railyard.host.plugin.PluginKind;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.Drafters;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures the engine's own overhead per step: N sequences decoding on a backend that does no
 * work, so every nanosecond is the host's (scheduling, plan validation, batch building,
 * sampling over a small vocabulary, streaming, bookkeeping). Goal: under 100 µs per step with
 * 256 running sequences.
 */
public final class EngineOverheadBenchmark {

    /** The result of one run. */
    public record Result(int sequences, int steps, double meanMicros, double p50Micros, double p99Micros, double wallMicrosPerStep,
                         double cpuMicrosPerStep) {
    }

    private EngineOverheadBenchmark() {
    }

    @SuppressWarnings("unchecked")
    public static Result run(String schedulerName, int sequences, int warmupSteps, int steps, PrintStream progress) {
        int vocab = 32;
        int blockSize = 16;
        int promptLength = 16;
        int total = warmupSteps + steps + 8;
        int blocksPerSeq = Math.ceilDiv(promptLength + total + 2, blockSize);
        NoWorkBackend backend = new NoWorkBackend(vocab, blockSize, sequences * blocksPerSeq, sequences, promptLength + total + 16);
        BackendInfo info = backend.info();
        PluginRegistry plugins = PluginRegistry.discover(null);
        SchedulerProvider<Object> provider = plugins.provider(PluginKind.SCHEDULER, schedulerName, SchedulerProvider.class);
        Object config = ConfigBinder.bind(provider.configType(), Map.of(), "scheduler '" + schedulerName + "'");
        VirtualClock clock = new VirtualClock();
        Scheduler scheduler = provider.create(config, new SchedulerContext(schedulerName, clock, EngineCore.limitsOf(info),
                info.blockSize(), info.numBlocks(), NO_DRAFTERS));
        EngineCore core = new EngineCore(backend, scheduler, schedulerName, EngineSettings.defaults(), clock, null, Set.of());
        long[] hostNanos = new long[steps];
        int[] recorded = {0};
        int[] seen = {0};
        core.addObserver(new EngineObserver() {
            @Override
            public void onStep(StepRecord step) {
                if (seen[0]++ >= warmupSteps && recorded[0] < steps) {
                    hostNanos[recorded[0]++] = step.hostNanos();
                }
            }
        });
        for (int i = 0; i < sequences; i++) {
            int[] prompt = new int[promptLength];
            for (int j = 0; j < promptLength; j++) {
                prompt[j] = (i + j) % vocab;
            }
            core.submit(GenerationRequest.builder().promptTokens(prompt).maxTokens(total).ignoreEos(true).build(), null);
        }
        int reportEvery = Math.max(1, (warmupSteps + steps) / 10);
        long wallStart = 0;
        long cpuStart = 0;
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < warmupSteps + steps; i++) {
            if (i == warmupSteps) {
                wallStart = System.nanoTime();
                cpuStart = threads.getCurrentThreadCpuTime();
            }
            core.iterate();
            if (progress != null && i % reportEvery == 0) {
                progress.printf("  step %,d / %,d%n", i, warmupSteps + steps);
            }
        }
        long wall = System.nanoTime() - wallStart;
        long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
        core.cancelAll(dev.railyard.spi.scheduler.FinishReason.CANCELLED, "benchmark over");
        long[] sorted = Arrays.copyOf(hostNanos, recorded[0]);
        Arrays.sort(sorted);
        double mean = Arrays.stream(sorted).average().orElse(Double.NaN) / 1e3;
        return new Result(sequences, sorted.length, mean, sorted[sorted.length / 2] / 1e3,
                sorted[(int) Math.min(sorted.length - 1, Math.round(sorted.length * 0.99))] / 1e3, wall / 1e3 / steps,
                cpu / 1e3 / steps);
    }

    private static final Drafters NO_DRAFTERS = new Drafters() {
        @Override
        public Drafter open(String name, Map<String, Object> config) {
            throw new IllegalArgumentException("no drafters in this benchmark");
        }

        @Override
        public List<String> names() {
            return List.of();
        }
    };
}
