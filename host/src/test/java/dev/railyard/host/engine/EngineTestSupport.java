package dev.railyard.host.engine;

import dev.railyard.host.clock.VirtualClock;
import dev.railyard.spi.scheduler.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builds engines over {@link HashingBackend} and runs them to completion synchronously. */
final class EngineTestSupport {

    static final int VOCAB = 64;

    private EngineTestSupport() {
    }

    static EngineCore core(HashingBackend backend, Scheduler scheduler) {
        return new EngineCore(backend, scheduler, "test-fcfs", EngineSettings.defaults(), new VirtualClock(), null, Set.of());
    }

    static EngineCore core(int numBlocks, int chunk) {
        return core(new HashingBackend(VOCAB, 4, numBlocks, 512), new SimpleFcfsScheduler(chunk));
    }

    /** Iterates until idle (bounded), returning results in submission order. */
    static List<GenerationResult> runAll(EngineCore core, List<GenerationHandle> handles) {
        for (int i = 0; i < 100_000 && !core.isIdle(); i++) {
            core.iterate();
        }
        if (!core.isIdle()) {
            throw new AssertionError("engine did not finish");
        }
        List<GenerationResult> out = new ArrayList<>();
        for (GenerationHandle h : handles) {
            out.add(h.result().join());
        }
        return out;
    }

    static GenerationRequest greedy(int maxTokens, int... prompt) {
        return GenerationRequest.builder().promptTokens(prompt).maxTokens(maxTokens).build();
    }

    static GenerationRequest sampled(int maxTokens, long seed, int... prompt) {
        return GenerationRequest.builder().promptTokens(prompt).maxTokens(maxTokens).temperature(0.9).topP(0.9).seed(seed).build();
    }

    static int[] prompt(int length, int salt) {
        int[] p = new int[length];
        for (int i = 0; i < length; i++) {
            p[i] = (i * 7 + salt * 13) % VOCAB;
        }
        return p;
    }
}
