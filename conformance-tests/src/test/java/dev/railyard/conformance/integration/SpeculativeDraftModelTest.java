package dev.railyard.conformance.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.engine.GenerationRequest;
import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.wiring.RailyardRuntime;
import dev.railyard.host.wiring.RuntimeFactory;
import dev.railyard.spi.Clock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Speculative decoding wired through the host as users run it (RuntimeFactory, cpu-reference,
 * the golden model from transformers): greedy tokens equal continuous's with either drafter, and
 * with a draft model equal to the target every draft token is accepted.
 */
class SpeculativeDraftModelTest {

    private static final Path GOLDEN = Path.of("../host/src/test/resources/golden/llama-gqa").toAbsolutePath().normalize();

    @Test
    void greedyOutputsEqualContinuousAndASelfDraftIsAlwaysAccepted() {
        List<int[]> prompts = List.of(new int[] {362}, new int[] {5, 17, 99, 3, 250}, repetitive());
        List<GenerationResult> base = run("continuous", Map.of(), prompts);
        List<GenerationResult> ngram = run("speculative", Map.of("num-speculative-tokens", 3), prompts);
        List<GenerationResult> self = run("speculative", Map.of("num-speculative-tokens", 4, "draft-model", GOLDEN.toString()), prompts);
        long drafted = 0;
        for (int i = 0; i < prompts.size(); i++) {
            assertThat(ngram.get(i).tokens()).as("ngram, prompt %d", i).containsExactly(base.get(i).tokens());
            assertThat(self.get(i).tokens()).as("draft model, prompt %d", i).containsExactly(base.get(i).tokens());
            assertThat(self.get(i).acceptedDraftTokens()).as("self-draft accepts everything").isEqualTo(self.get(i).draftedTokens());
            drafted += self.get(i).draftedTokens();
        }
        assertThat(drafted).isPositive();
        assertThat(ngram.get(2).draftedTokens()).as("ngram drafts on a repetitive prompt").isPositive();
    }

    private static int[] repetitive() {
        int[] p = new int[40];
        for (int i = 0; i < p.length; i++) {
            p[i] = 10 + i % 5;
        }
        return p;
    }

    private static List<GenerationResult> run(String scheduler, Map<String, Object> settings, List<int[]> prompts) {
        RailyardConfig c = RailyardConfig.defaults();
        c.model = GOLDEN.toString();
        c.backend.type = "cpu-reference";
        c.numBlocks = 256;
        c.scheduler.type = scheduler;
        c.scheduler.settings.putAll(settings);
        try (RailyardRuntime rt = RuntimeFactory.open(c, Clock.system(), line -> { })) {
            List<GenerationResult> out = new ArrayList<>();
            for (int[] p : prompts) {
                out.add(rt.engine().submit(GenerationRequest.builder().promptTokens(p).maxTokens(24).ignoreEos(true).build())
                        .result().join());
            }
            return out;
        }
    }
}
