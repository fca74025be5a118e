package dev.railyard.host.engine;

import static dev.railyard.host.engine.EngineTestSupport.VOCAB;
import static dev.railyard.host.engine.EngineTestSupport.core;
import static dev.railyard.host.engine.EngineTestSupport.greedy;
import static dev.railyard.host.engine.EngineTestSupport.prompt;
import static dev.railyard.host.engine.EngineTestSupport.runAll;
import static dev.railyard.host.engine.EngineTestSupport.sampled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EngineCoreTest {

    @Test
    void singleRequestProducesMaxTokensAndFreesItsBlocks() {
        EngineCore core = core(64, 1000);
        GenerationHandle h = core.submit(greedy(10, prompt(9, 1)), null);
        GenerationResult r = runAll(core, List.of(h)).getFirst();
        assertThat(r.tokens()).hasSize(10);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.promptTokens()).containsExactly(prompt(9, 1));
        assertThat(core.usedBlocks()).isZero();
    }

    @Test
    void tokensStreamInOrderAndEndWithTheResult() {
        EngineCore core = core(64, 1000);
        List<Integer> seen = new ArrayList<>();
        GenerationHandle h = core.submit(greedy(12, prompt(5, 2)), new TokenListener() {
            @Override
            public void onToken(int token, String textDelta) {
                seen.add(token);
            }
        });
        GenerationHandle withoutListener = core.submit(greedy(12, prompt(5, 2)), null);
        GenerationResult r = runAll(core, List.of(h)).getFirst();
        assertThat(seen).containsExactly(box(r.tokens()));
        assertThat(h.events()).as("with a listener the stream goes there").hasSize(1);
        h = withoutListener;
        r = h.result().join();
        assertThat(r.tokens()).containsExactly(runAll(core, List.of(h)).getFirst().tokens());
        List<Integer> fromEvents = new ArrayList<>();
        GenerationHandle.StreamEvent e;
        while (!(e = h.events().poll()).isEnd()) {
            fromEvents.add(e.token());
        }
        assertThat(fromEvents).containsExactly(box(r.tokens()));
        assertThat(e.result()).isSameAs(r);
    }

    @Test
    void outputsAreIdenticalAloneOrTogether() {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            requests.add(i % 2 == 0 ? greedy(8 + i, prompt(3 + 5 * i, i)) : sampled(8 + i, 100 + i, prompt(3 + 5 * i, i)));
        }
        List<int[]> alone = new ArrayList<>();
        for (GenerationRequest r : requests) {
            EngineCore core = core(256, 1000);
            alone.add(runAll(core, List.of(core.submit(r, null))).getFirst().tokens());
        }
        EngineCore together = core(256, 7);
        List<GenerationHandle> hs = new ArrayList<>();
        for (GenerationRequest r : requests) {
            hs.add(together.submit(r, null));
        }
        List<GenerationResult> results = runAll(together, hs);
        for (int i = 0; i < requests.size(); i++) {
            assertThat(results.get(i).tokens()).as("request %d", i).containsExactly(alone.get(i));
        }
        assertThat(together.usedBlocks()).isZero();
    }

    @Test
    void preemptionUnderATinyPoolFinishesEveryRequestWithTheSameOutput() {
        List<GenerationRequest> requests = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            requests.add(i % 3 == 0 ? sampled(20, 7 + i, prompt(6 + i, i)) : greedy(20, prompt(6 + i, i)));
        }
        EngineCore large = core(1024, 1000);
        EngineCore tiny = core(14, 4); // 14 blocks of 4 tokens: at most ~2 sequences at once
        List<GenerationHandle> hl = new ArrayList<>();
        List<GenerationHandle> ht = new ArrayList<>();
        for (GenerationRequest r : requests) {
            hl.add(large.submit(r, null));
            ht.add(tiny.submit(r, null));
        }
        List<GenerationResult> rl = runAll(large, hl);
        List<GenerationResult> rt = runAll(tiny, ht);
        int preemptions = 0;
        for (int i = 0; i < requests.size(); i++) {
            assertThat(rt.get(i).tokens()).as("request %d", i).containsExactly(rl.get(i).tokens());
            assertThat(rt.get(i).finishReason()).isEqualTo(FinishReason.LENGTH);
            preemptions += rt.get(i).preemptions();
        }
        assertThat(preemptions).as("the tiny pool must force preemptions").isPositive();
        assertThat(tiny.usedBlocks()).isZero();
    }

    @Test
    void cancelFreesBlocksAtOnce() {
        EngineCore core = core(64, 1000);
        GenerationHandle a = core.submit(greedy(100, prompt(30, 1)), null);
        GenerationHandle b = core.submit(greedy(5, prompt(4, 2)), null);
        core.iterate();
        core.iterate();
        int before = core.usedBlocks();
        assertThat(before).isPositive();
        core.cancel(a.id());
        assertThat(core.usedBlocks()).isLessThan(before);
        assertThat(a.result().join().finishReason()).isEqualTo(FinishReason.CANCELLED);
        GenerationResult rb = runAll(core, List.of(b)).getFirst();
        assertThat(rb.tokens()).hasSize(5);
        assertThat(core.usedBlocks()).isZero();
    }

    @Test
    void eosStopsGenerationUnlessIgnored() {
        HashingBackend backend = new HashingBackend(VOCAB, 4, 64, 512);
        EngineCore probe = EngineTestSupport.core(backend, new SimpleFcfsScheduler(1000));
        int[] tokens = runAll(probe, List.of(probe.submit(greedy(10, prompt(5, 3)), null))).getFirst().tokens();
        int eos = tokens[3];
        EngineCore core = new EngineCore(new HashingBackend(VOCAB, 4, 64, 512), new SimpleFcfsScheduler(1000), "test",
                EngineSettings.defaults(), new dev.railyard.host.clock.VirtualClock(), null, Set.of(eos));
        GenerationResult stopped = runAll(core, List.of(core.submit(greedy(10, prompt(5, 3)), null))).getFirst();
        int firstEos = indexOf(tokens, eos);
        assertThat(stopped.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(stopped.tokens()).hasSize(firstEos + 1);
        GenerationRequest ignoring = GenerationRequest.builder().promptTokens(prompt(5, 3)).maxTokens(10).ignoreEos(true).build();
        GenerationResult kept = runAll(core, List.of(core.submit(ignoring, null))).getFirst();
        assertThat(kept.tokens()).containsExactly(tokens);
    }

    @Test
    void invalidPlanIsRefusedWithTheSchedulerAndTheRuleNamed() {
        Scheduler overBudget = view -> {
            StepPlan.Builder b = StepPlan.builder();
            view.waiting().forEach(s -> b.schedule(s.id(), s.pendingTokens() + 5));
            return b.build();
        };
        EngineCore core = new EngineCore(new HashingBackend(VOCAB, 4, 64, 512), overBudget, "greedy-bug",
                EngineSettings.defaults(), new dev.railyard.host.clock.VirtualClock(), null, Set.of());
        GenerationHandle h = core.submit(greedy(4, prompt(5, 1)), null);
        core.iterate();
        GenerationResult r = h.result().join();
        assertThat(r.finishReason()).isEqualTo(FinishReason.ERROR);
        assertThat(r.error()).contains("scheduler 'greedy-bug'").contains("rule P3").contains("10 tokens but has 5 pending");
        assertThat(core.usedBlocks()).isZero();
        assertThat(core.stats().invalidPlans()).isEqualTo(1);
    }

    @Test
    void eachPlanRuleIsEnforced() {
        assertRefused(view -> StepPlan.builder().schedule(999, 1).build(), "rule P1");
        assertRefused(view -> {
            long id = view.waiting().getFirst().id();
            return StepPlan.builder().schedule(id, 1).schedule(id, 1).build();
        }, "rule P2");
        assertRefused(view -> StepPlan.builder().schedule(view.waiting().getFirst().id(), 0).build(), "rule P3");
        assertRefused(view -> StepPlan.builder().preempt(view.waiting().getFirst().id()).build(), "rule P7");
        assertRefused(view -> view.running().isEmpty()
                ? StepPlan.builder().schedule(view.waiting().getFirst().id(), 2).build()
                : StepPlan.builder().reject(view.running().getFirst().id(), "no").build(), "rule P8");
        assertRefused(view -> StepPlan.builder().schedule(dev.railyard.spi.scheduler.ScheduledWork.withDraft(
                view.waiting().getFirst().id(), dev.railyard.spi.scheduler.DraftProposal.deterministic(1, 2))).build(), "rule P10");
    }

    @Test
    void tokenBudgetAndKvCapacityAreEnforced() {
        HashingBackend small = new HashingBackend(VOCAB, 4, 3, 512); // 12 token slots
        Scheduler all = view -> {
            StepPlan.Builder b = StepPlan.builder();
            view.waiting().forEach(s -> b.schedule(s.id(), s.pendingTokens()));
            return b.build();
        };
        EngineCore core = new EngineCore(small, all, "all-in", EngineSettings.defaults(), new dev.railyard.host.clock.VirtualClock(),
                null, Set.of());
        GenerationHandle h = core.submit(greedy(2, prompt(8, 1)), null);
        core.submit(greedy(2, prompt(8, 2)), null);
        core.iterate();
        assertThat(h.result().join().error()).contains("rule P6").contains("needs 4 new KV blocks but only 3");
        assertThatThrownBy(() -> core.submit(greedy(2, prompt(20, 1)), null))
                .hasMessageContaining("prompt has 20 tokens but the whole KV cache holds 12 (3 blocks of 4)");
    }

    @Test
    void badRequestsGetClearErrorsWhileOthersCarryOn() {
        EngineCore core = core(64, 1000);
        GenerationHandle ok = core.submit(greedy(6, prompt(4, 1)), null);
        assertThatThrownBy(() -> core.submit(greedy(5), null)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("prompt is empty");
        assertThatThrownBy(() -> core.submit(greedy(5, prompt(600, 1)), null))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("prompt has 600 tokens but the model's context length is 512")
                .extracting(e -> ((InvalidRequestException) e).kind()).isEqualTo(InvalidRequestException.Kind.CONTEXT_TOO_LONG);
        assertThatThrownBy(() -> core.submit(greedy(-3, prompt(4, 1)), null)).hasMessageContaining("max_tokens must be at least 1, was -3");
        assertThatThrownBy(() -> core.submit(GenerationRequest.builder().promptTokens(1, 2).temperature(-1).build(), null))
                .hasMessageContaining("temperature must be >= 0, was -1.0");
        assertThatThrownBy(() -> core.submit(GenerationRequest.builder().promptTokens(1, 2).topP(0).build(), null))
                .hasMessageContaining("top_p must be in (0, 1]");
        assertThatThrownBy(() -> core.submit(greedy(3, 1, VOCAB + 5), null)).hasMessageContaining("outside the vocabulary");
        assertThatThrownBy(() -> core.submit(GenerationRequest.builder().promptText("hi").build(), null))
                .hasMessageContaining("no tokenizer");
        assertThat(runAll(core, List.of(ok)).getFirst().tokens()).hasSize(6);
    }

    @Test
    void maxTokensAreClampedToTheContextLength() {
        EngineCore core = core(256, 1000);
        GenerationResult r = runAll(core, List.of(core.submit(greedy(1000, prompt(500, 1)), null))).getFirst();
        assertThat(r.tokens()).hasSize(12);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void timeoutsFinishRequestsAndFreeTheirBlocks() {
        dev.railyard.host.clock.VirtualClock clock = new dev.railyard.host.clock.VirtualClock();
        EngineCore core = new EngineCore(new HashingBackend(VOCAB, 4, 64, 512), new SimpleFcfsScheduler(1000), "t",
                EngineSettings.defaults(), clock, null, Set.of());
        GenerationHandle h = core.submit(GenerationRequest.builder().promptTokens(prompt(8, 1)).maxTokens(100)
                .timeoutNanos(1_000_000).build(), null);
        core.iterate();
        assertThat(core.usedBlocks()).isPositive();
        clock.advanceBy(2_000_000);
        core.iterate();
        assertThat(h.result().join().finishReason()).isEqualTo(FinishReason.TIMEOUT);
        assertThat(core.usedBlocks()).isZero();
    }

    private static void assertRefused(Scheduler s, String rule) {
        EngineCore core = new EngineCore(new HashingBackend(VOCAB, 4, 64, 512), s, "bad", EngineSettings.defaults(),
                new dev.railyard.host.clock.VirtualClock(), null, Set.of());
        GenerationHandle h = core.submit(greedy(4, prompt(5, 1)), null);
        for (int i = 0; i < 3 && !h.result().isDone(); i++) {
            core.iterate();
        }
        assertThat(h.result().join().error()).as(rule).contains("scheduler 'bad' broke " + rule);
        assertThat(core.usedBlocks()).isZero();
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static Integer[] box(int[] a) {
        Integer[] out = new Integer[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
        }
        return out;
    }
}
