package dev.railyard.host.cli;

import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.demo.MixedWorkload;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.wiring.RailyardRuntime;
import dev.railyard.host.wiring.RuntimeFactory;
import dev.railyard.spi.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Warms the batched kernels before schedulers are timed on a workload: bursts of the workload's
 * own requests, all at once, on a runtime of its own, until the JIT compiler is quiet ({@link
 * JitWatch}) or after {@link #MAX_BURSTS}. Without it the first scheduler timed pays for the
 * compiler (the demo's first row, dynamic, showed a TTFT p50 of 306 ms cold and 85-97 ms warm).
 */
final class WorkloadWarmUp {

    /** Most bursts. */
    static final int MAX_BURSTS = 6;
    /** Requests per burst, at most. */
    static final int BURST = 24;

    private WorkloadWarmUp() {
    }

    /** Runs the bursts on an engine opened with {@code config}, showing progress on stderr. */
    static void run(MixedWorkload workload, RailyardConfig config) {
        JitWatch jit = new JitWatch();
        List<MixedWorkload.Arrival> arrivals = workload.arrivals();
        int burst = Math.min(BURST, arrivals.size());
        ProgressLine progress = new ProgressLine(System.err, "warm-up", MAX_BURSTS);
        try (RailyardRuntime rt = RuntimeFactory.open(config, Clock.system(), line -> { })) {
            for (int b = 0; b < MAX_BURSTS; b++) {
                int from = (b * burst) % arrivals.size();
                boolean quiet = jit.quietDuring(() -> {
                    List<CompletableFuture<GenerationResult>> running = new ArrayList<>();
                    for (int i = 0; i < burst; i++) {
                        running.add(rt.engine().submit(arrivals.get((from + i) % arrivals.size()).request()).result());
                    }
                    running.forEach(CompletableFuture::join);
                });
                progress.update(b + 1);
                if (quiet) {
                    return;
                }
            }
        }
    }
}
