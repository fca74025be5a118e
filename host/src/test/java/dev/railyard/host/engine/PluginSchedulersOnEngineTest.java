package dev.railyard.host.engine;

import static dev.railyard.host.engine.EngineTestSupport.VOCAB;
import static dev.railyard.host.engine.EngineTestSupport.prompt;
import static dev.railyard.host.engine.EngineTestSupport.runAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.host.clock.VirtualClock;
import dev.railyard.host.config.ConfigBinder;
import dev.railyard.host.plugin.PluginKind;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.DrafterContext;
import dev.railyard.spi.scheduler.DrafterProvider;
import dev.railyard.spi.scheduler.Drafters;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * The in-repo scheduler plugins, found by ServiceLoader, on the real engine: every request
 * finishes, no block leaks, and greedy outputs equal those of a trivially correct FCFS schedule
 * under a tiny pool (preemption) as under a large one.
 */
class PluginSchedulersOnEngineTest {

    private static final PluginRegistry PLUGINS = PluginRegistry.discover(null);

    @ParameterizedTest
    @ValueSource(strings = {"continuous", "dynamic", "speculative"})
    void greedyOutputsEqualTheReferenceUnderSmallAndLargePools(String name) {
        List<GenerationRequest> requests = workload(true);
        List<int[]> reference = run(new SimpleFcfsScheduler(1000), "reference", 1024, requests).stream()
                .map(GenerationResult::tokens).toList();
        for (int blocks : new int[] {24, 1024}) {
            List<GenerationResult> results = run(scheduler(name, Map.of(), 4, blocks), name, blocks, requests);
            for (int i = 0; i < requests.size(); i++) {
                assertThat(results.get(i).finishReason()).as("%s request %d with %d blocks", name, i, blocks)
                        .isIn(FinishReason.LENGTH, FinishReason.STOP);
                assertThat(results.get(i).tokens()).as("%s request %d with %d blocks", name, i, blocks)
                        .containsExactly(reference.get(i));
            }
        }
    }

    @Test
    void speculativeNgramDraftsOnRepetitiveInputAndStaysExact() {
        int[] repetitive = new int[48];
        for (int i = 0; i < repetitive.length; i++) {
            repetitive[i] = i % 6;
        }
        List<GenerationRequest> requests = List.of(GenerationRequest.builder().promptTokens(repetitive).maxTokens(30).build());
        int[] reference = run(new SimpleFcfsScheduler(1000), "reference", 256, requests).getFirst().tokens();
        GenerationResult r = run(scheduler("speculative", Map.of("num-speculative-tokens", 4), 4, 256), "speculative", 256,
                requests).getFirst();
        assertThat(r.tokens()).containsExactly(reference);
        assertThat(r.draftedTokens()).isPositive();
    }

    @Test
    void sampledRequestsMatchAcrossSchedulersThatDoNotDraft() {
        List<GenerationRequest> requests = workload(false);
        List<GenerationResult> a = run(scheduler("continuous", Map.of(), 4, 1024), "continuous", 1024, requests);
        List<GenerationResult> b = run(scheduler("dynamic", Map.of("max-queue-delay-ms", 0), 4, 24), "dynamic", 24, requests);
        for (int i = 0; i < requests.size(); i++) {
            assertThat(b.get(i).tokens()).as("request %d", i).containsExactly(a.get(i).tokens());
        }
    }

    private static List<GenerationRequest> workload(boolean greedy) {
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            GenerationRequest.Builder b = GenerationRequest.builder().promptTokens(prompt(4 + 3 * i, i)).maxTokens(12 + i);
            if (!greedy) {
                b.temperature(0.8).topK(20).seed(1000L + i);
            }
            out.add(b.build());
        }
        return out;
    }

    private static List<GenerationResult> run(Scheduler scheduler, String name, int blocks, List<GenerationRequest> requests) {
        EngineCore core = new EngineCore(new HashingBackend(VOCAB, 4, blocks, 512), scheduler, name, EngineSettings.defaults(),
                CLOCK, null, Set.of());
        List<GenerationHandle> hs = new ArrayList<>();
        for (GenerationRequest r : requests) {
            hs.add(core.submit(r, null));
        }
        List<GenerationResult> results = runAllAdvancingTime(core, hs);
        assertThat(core.usedBlocks()).as("blocks in use when idle").isZero();
        assertThat(core.stats().invalidPlans()).isZero();
        return results;
    }

    private static final VirtualClock CLOCK = new VirtualClock();

    /** Like {@link EngineTestSupport#runAll} but moves virtual time on when a batcher waits. */
    private static List<GenerationResult> runAllAdvancingTime(EngineCore core, List<GenerationHandle> hs) {
        for (int i = 0; i < 100_000 && !core.isIdle(); i++) {
            IterationResult r = core.iterate();
            if (!r.steppedBackend() && r.wakeAtNanos() != Long.MAX_VALUE) {
                CLOCK.advanceTo(r.wakeAtNanos());
            }
        }
        return runAll(core, hs);
    }

    @SuppressWarnings("unchecked")
    private static Scheduler scheduler(String name, Map<String, Object> config, int blockSize, int blocks) {
        SchedulerProvider<Object> p = PLUGINS.provider(PluginKind.SCHEDULER, name, SchedulerProvider.class);
        Object c = ConfigBinder.bind(p.configType(), config, name);
        HashingBackend info = new HashingBackend(VOCAB, blockSize, blocks, 512);
        return p.create(c, new SchedulerContext(name, CLOCK, EngineCore.limitsOf(info.info()), blockSize, blocks, new Drafters() {
            @Override
            @SuppressWarnings("unchecked")
            public Drafter open(String drafter, Map<String, Object> cfg) {
                DrafterProvider<Object> dp = PLUGINS.provider(PluginKind.DRAFTER, drafter, DrafterProvider.class);
                return dp.create(ConfigBinder.bind(dp.configType(), cfg, drafter), new DrafterContext() {
                    @Override
                    public dev.railyard.spi.Clock clock() {
                        return CLOCK;
                    }

                    @Override
                    public dev.railyard.spi.backend.Backend openModel(Path dir, int bs, int nb) {
                        throw new UnsupportedOperationException("no draft models in this test");
                    }

                    @Override
                    public int vocabSize() {
                        return VOCAB;
                    }
                });
            }

            @Override
            public List<String> names() {
                return List.of("ngram");
            }
        }));
    }
}
