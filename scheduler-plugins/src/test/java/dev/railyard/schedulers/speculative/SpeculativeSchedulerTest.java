package dev.railyard.schedulers.speculative;

import static dev.railyard.schedulers.testkit.Contexts.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.schedulers.continuous.ContinuousConfig;
import dev.railyard.schedulers.continuous.ContinuousScheduler;
import dev.railyard.schedulers.drafters.NgramConfig;
import dev.railyard.schedulers.drafters.NgramDrafter;
import dev.railyard.schedulers.dynamic.DynamicBatchScheduler;
import dev.railyard.schedulers.testkit.Contexts;
import dev.railyard.schedulers.testkit.FakeEngine;
import dev.railyard.schedulers.testkit.FakeSequence;
import dev.railyard.schedulers.testkit.TestSequence;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.scheduler.DraftProposal;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepOutcome;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpeculativeSchedulerTest {

    /** Proposes {@code maxTokens} copies of one token and records what it was asked. */
    static final class ScriptedDrafter implements Drafter {
        final int token;
        final List<List<Long>> calls = new ArrayList<>();
        final List<Integer> maxTokens = new ArrayList<>();
        final List<Long> finished = new ArrayList<>();
        final List<List<Long>> prefills = new ArrayList<>();
        boolean fail;

        ScriptedDrafter(int token) {
            this.token = token;
        }

        @Override
        public List<DraftProposal> propose(List<SequenceView> sequences, int k) {
            if (fail) {
                throw new IllegalStateException("draft backend down");
            }
            calls.add(sequences.stream().map(SequenceView::id).toList());
            maxTokens.add(k);
            List<DraftProposal> out = new ArrayList<>();
            for (SequenceView s : sequences) {
                assertThat(s.state()).isEqualTo(SequenceState.RUNNING);
                assertThat(s.pendingTokens()).isEqualTo(1);
                int[] t = new int[k];
                java.util.Arrays.fill(t, token);
                out.add(DraftProposal.deterministic(t));
            }
            return out;
        }

        @Override
        public void prefill(List<SequenceView> sequences) {
            for (SequenceView s : sequences) {
                assertThat(s.pendingTokens()).isGreaterThan(1);
            }
            prefills.add(sequences.stream().map(SequenceView::id).toList());
        }

        @Override
        public void onFinished(long id) {
            finished.add(id);
        }
    }

    private static EngineLimits limits(int tokens) {
        return Contexts.limits(tokens, 64, 100_000, true, true);
    }

    private static ContinuousScheduler continuous(EngineLimits limits, int blockSize, int blocks) {
        return new ContinuousScheduler(new ContinuousConfig(), Contexts.context(limits, blockSize, blocks));
    }

    private static int tokensOf(StepPlan plan, long id) {
        return plan.scheduled().stream().filter(w -> w.sequenceId() == id).mapToInt(ScheduledWork::numTokens).sum();
    }

    private static int draftOf(StepPlan plan, long id) {
        return plan.scheduled().stream().filter(w -> w.sequenceId() == id).mapToInt(ScheduledWork::draftLength).sum();
    }

    /** An engine under speculative(continuous, k = 4) with a scripted drafter, and a sequence {@code a} that has prefilled. */
    private record OneDecoding(FakeEngine e, ScriptedDrafter drafter, FakeSequence a) {
        static OneDecoding start() {
            EngineLimits lim = limits(64);
            ScriptedDrafter drafter = new ScriptedDrafter(3);
            SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 4, 1000), drafter, 4, false);
            FakeEngine e = new FakeEngine(s, lim, 4, 1000);
            FakeSequence a = e.submit(prompt(5), 30, 0);
            e.iterate(); // a prefills
            return new OneDecoding(e, drafter, a);
        }
    }

    @Test
    void draftsGoOnlyToDecodingSequences() {
        OneDecoding o = OneDecoding.start();
        FakeEngine e = o.e();
        ScriptedDrafter drafter = o.drafter();
        FakeSequence a = o.a();
        FakeSequence b = e.submit(prompt(200), 5, 0); // b prefills in chunks while a decodes
        int drafted = 0;
        for (int i = 0; i < 3; i++) {
            StepPlan p = e.iterate();
            assertThat(draftOf(p, a.id())).isEqualTo(4);
            assertThat(draftOf(p, b.id())).isZero();
            drafted++;
        }
        assertThat(drafter.calls).hasSize(drafted).allMatch(c -> c.equals(List.of(a.id())));
        e.onStep(st -> {
            for (ScheduledWork w : st.plan().scheduled()) {
                if (w.draft() != null) {
                    assertThat(st.before().get(w.sequenceId()).pending()).isEqualTo(1);
                    assertThat(st.before().get(w.sequenceId()).state()).isEqualTo(SequenceState.RUNNING);
                }
            }
        });
        e.runToCompletion(1000);
        assertThat(drafter.finished).containsExactlyInAnyOrder(a.id(), b.id());
    }

    @Test
    void theDrafterIsHandedEveryPromptChunkBeforeItsStep() {
        OneDecoding o = OneDecoding.start();
        FakeEngine e = o.e();
        ScriptedDrafter drafter = o.drafter();
        assertThat(drafter.prefills).containsExactly(List.of(o.a().id()));
        assertThat(drafter.calls).isEmpty();
        FakeSequence b = e.submit(prompt(200), 5, 0); // b prefills in chunks while a decodes
        int chunks = 0;
        while (b.generatedCount() == 0) {
            StepPlan p = e.iterate();
            if (tokensOf(p, b.id()) > 0) {
                chunks++;
                assertThat(drafter.prefills.getLast()).containsExactly(b.id());
            }
        }
        assertThat(chunks).isGreaterThan(1);
        assertThat(drafter.prefills).hasSize(1 + chunks);
        FakeSequence shortOne = e.submit(prompt(5), 2, 0); // two tokens: never a decode step with a draft
        e.iterate();
        assertThat(shortOne.generatedCount()).isEqualTo(1);
        assertThat(drafter.prefills).hasSize(1 + chunks);
    }

    @Test
    void noDraftsWhileMoreSequencesThanDisableByBatchSizeAreRunningOrWaiting() {
        EngineLimits lim = limits(64);
        ScriptedDrafter drafter = new ScriptedDrafter(3);
        SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 4, 1000), drafter, 4, false, 2);
        FakeEngine e = new FakeEngine(s, lim, 4, 1000);
        FakeSequence a = e.submit(prompt(5), 60, 0);
        FakeSequence b = e.submit(prompt(5), 60, 0);
        e.iterate(); // both prefill
        assertThat(draftOf(e.iterate(), a.id())).isEqualTo(4); // two sequences: not more than 2
        FakeSequence c = e.submit(prompt(5), 6, 0);
        int calls = drafter.calls.size();
        int prefills = drafter.prefills.size();
        while (c.finishReason() == null) {
            assertThat(e.iterate().scheduled()).allMatch(w -> w.draft() == null);
        }
        assertThat(drafter.calls).hasSize(calls);
        assertThat(drafter.prefills).hasSize(prefills); // c's prompt was not handed over either
        StepPlan p = e.iterate(); // two again
        assertThat(draftOf(p, a.id())).isEqualTo(4);
        assertThat(draftOf(p, b.id())).isEqualTo(4);
    }

    @Test
    void draftsAreTrimmedToTheTokenBudget() {
        EngineLimits lim = limits(10);
        SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 16, 1000), new ScriptedDrafter(3), 4, false);
        FakeEngine e = new FakeEngine(s, lim, 16, 1000);
        FakeSequence a = e.submit(prompt(2), 50, 0);
        FakeSequence b = e.submit(prompt(2), 50, 0);
        FakeSequence c = e.submit(prompt(2), 50, 0);
        e.iterate();
        StepPlan p = e.iterate();
        // 3 decode tokens leave 7: a gets 4 drafts, b 3, c none
        assertThat(tokensOf(p, a.id())).isEqualTo(5);
        assertThat(tokensOf(p, b.id())).isEqualTo(4);
        assertThat(tokensOf(p, c.id())).isEqualTo(1);
        assertThat(p.totalTokens()).isEqualTo(10);
    }

    @Test
    void draftsAreTrimmedToTheFreeKvBlocks() {
        EngineLimits lim = limits(100);
        SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 4, 2), new ScriptedDrafter(3), 4, false);
        FakeEngine e = new FakeEngine(s, lim, 4, 2);
        FakeSequence a = e.submit(prompt(4), 50, 0);
        e.iterate(); // 4 tokens in block 1; the pending token needs block 2, the last one free
        StepPlan p = e.iterate();
        // positions 4..7 fit block 2: the pending token and 3 drafts
        assertThat(draftOf(p, a.id())).isEqualTo(3);
    }

    @Test
    void draftsAreTrimmedToTheTokensTheRequestMayStillGenerate() {
        EngineLimits lim = limits(100);
        SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 16, 100), new ScriptedDrafter(3), 4, false);
        FakeEngine e = new FakeEngine(s, lim, 16, 100);
        FakeSequence a = e.submit(prompt(4), 3, 0);
        e.iterate(); // 1 generated: 2 more allowed, the verifying step always emits one: 1 draft at most
        StepPlan p = e.iterate();
        assertThat(draftOf(p, a.id())).isEqualTo(1);
    }

    @Test
    void draftsAreTrimmedToTheContextLength() {
        EngineLimits lim = Contexts.limits(100, 8, 12, true, true);
        ScriptedDrafter drafter = new ScriptedDrafter(3);
        SpeculativeScheduler s = new SpeculativeScheduler(new StaticBase(), drafter, 4, false);
        TestSequence seq = new TestSequence(1, prompt(10)); // 10 tokens, 9 computed; context 12
        StepPlan p = s.schedule(view(lim, List.of(seq)));
        assertThat(draftOf(p, 1)).isEqualTo(2); // positions 9, 10, 11
    }

    @Test
    void withoutMultiPositionLogitsTheBasePlanRunsUnchanged() {
        EngineLimits lim = Contexts.limits(100, 8, 1000, true, false);
        ScriptedDrafter drafter = new ScriptedDrafter(3);
        SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 16, 100), drafter, 4, false);
        FakeEngine e = new FakeEngine(s, lim, 16, 100);
        e.submit(prompt(4), 10, 0);
        e.runToCompletion(100);
        assertThat(drafter.calls).isEmpty();
    }

    @Test
    void aFailingDrafterLeavesTheBasePlan() {
        EngineLimits lim = limits(100);
        ScriptedDrafter drafter = new ScriptedDrafter(3);
        drafter.fail = true;
        SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 16, 100), drafter, 4, false);
        FakeEngine e = new FakeEngine(s, lim, 16, 100);
        FakeSequence a = e.submit(prompt(4), 10, 0);
        e.runToCompletion(100);
        assertThat(a.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(s.drafterFailures()).isEqualTo(8); // decode steps with room for a draft: generated 1 to 8
        assertThat(a.drafted()).isZero();
    }

    @Test
    void ngramDraftsOnARepetitiveModelAreAcceptedAndTheOutputIsUnchanged() {
        EngineLimits lim = limits(256);
        FakeEngine.TokenModel periodic = q -> q.tokenAt(q.totalLength() - 3);
        // plain continuous
        FakeEngine plain = new FakeEngine(continuous(lim, 16, 1000), lim, 16, 1000).model(periodic);
        FakeSequence p0 = plain.submit(new int[] {5, 6, 7, 5, 6, 7, 5}, 40, 0);
        plain.runToCompletion(1000);
        // speculative with the ngram drafter
        NgramConfig nc = new NgramConfig();
        SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 16, 1000), new NgramDrafter(nc), 4, false);
        FakeEngine spec = new FakeEngine(s, lim, 16, 1000).model(periodic);
        FakeSequence s0 = spec.submit(new int[] {5, 6, 7, 5, 6, 7, 5}, 40, 0);
        spec.runToCompletion(1000);
        assertThat(s0.output()).containsExactly(p0.output());
        assertThat(s0.acceptedDrafts()).isEqualTo(s0.drafted());
        assertThat(spec.steps()).isLessThan(plain.steps() / 3);
    }

    @Test
    void adaptiveKFollowsTheAcceptanceRate() {
        SpeculativeScheduler s = new SpeculativeScheduler(new StaticBase(), new ScriptedDrafter(1), 6, true);
        assertThat(s.speculationLength(1)).isEqualTo(4); // prior 0.75
        for (int i = 0; i < 10; i++) {
            s.onStepCompleted(List.of(new StepOutcome(1, 7, 6, 0, 1)));
        }
        assertThat(s.speculationLength(1)).isEqualTo(1);
        assertThat(s.acceptanceRate(1)).isLessThan(0.1);
        int previous = 1;
        for (int i = 0; i < 20; i++) {
            int k = s.speculationLength(1);
            s.onStepCompleted(List.of(new StepOutcome(1, 1 + k, k, k, k + 1)));
            assertThat(s.speculationLength(1)).isGreaterThanOrEqualTo(previous);
            previous = s.speculationLength(1);
        }
        assertThat(s.speculationLength(1)).isEqualTo(6);
        // half the drafts accepted: about 2 tokens
        for (int i = 0; i < 30; i++) {
            s.onStepCompleted(List.of(new StepOutcome(1, 3, 2, 1, 2)));
        }
        assertThat(s.speculationLength(1)).isEqualTo(2);
        SpeculativeScheduler fixed = new SpeculativeScheduler(new StaticBase(), new ScriptedDrafter(1), 6, false);
        fixed.onStepCompleted(List.of(new StepOutcome(1, 7, 6, 0, 1)));
        assertThat(fixed.speculationLength(1)).isEqualTo(6);
    }

    @Test
    void adaptiveKShrinksAgainstABadDrafterInTheEngine() {
        EngineLimits lim = limits(256);
        ScriptedDrafter bad = new ScriptedDrafter(999); // never the model's token
        SpeculativeScheduler s = new SpeculativeScheduler(continuous(lim, 16, 1000), bad, 5, true);
        FakeEngine e = new FakeEngine(s, lim, 16, 1000, 2000).model(q -> q.totalLength() % 500);
        FakeSequence a = e.submit(prompt(4), 40, 0);
        List<Integer> lengths = new ArrayList<>();
        e.onStep(st -> lengths.add(draftOf(st.plan(), a.id())));
        e.runToCompletion(1000);
        assertThat(lengths.get(1)).isEqualTo(4);
        assertThat(lengths.subList(lengths.size() - 5, lengths.size() - 1)).containsOnly(1);
        assertThat(a.acceptedDrafts()).isZero();
    }

    @Test
    void theProviderOpensTheDrafterAndTheBase() {
        EngineLimits lim = limits(256);
        List<String> opened = new ArrayList<>();
        SchedulerContext ctx = Contexts.context(lim, 16, 100, (name, cfg) -> {
            opened.add(name + " " + cfg);
            return new ScriptedDrafter(1);
        });
        SpeculativeConfig c = new SpeculativeConfig();
        new SpeculativeSchedulerProvider().create(c, ctx);
        SpeculativeConfig m = new SpeculativeConfig();
        m.draftModel = "/models/draft";
        m.drafterConfig = new LinkedHashMap<>(Map.of("kv-blocks", 64));
        m.base = "dynamic";
        m.baseConfig = new LinkedHashMap<>(Map.of("max-batch-size", 4));
        Scheduler sm = new SpeculativeSchedulerProvider().create(m, ctx);
        assertThat(opened).containsExactly("ngram {}", "draft-model {kv-blocks=64, model=/models/draft}");
        assertThat(sm).isInstanceOf(SpeculativeScheduler.class);
        SchedulerContext noMulti = Contexts.context(Contexts.limits(256, 8, 1000, true, false), 16, 100, (name, cfg) -> {
            throw new AssertionError("must not open a drafter");
        });
        new SpeculativeSchedulerProvider().create(new SpeculativeConfig(), noMulti);
    }

    @Test
    void configValidationNamesTheKey() {
        SpeculativeConfig a = new SpeculativeConfig();
        a.base = "fifo";
        assertThatThrownBy(a::validate).isInstanceOf(InvalidConfigException.class).hasMessageContaining("base must be");
        SpeculativeConfig b = new SpeculativeConfig();
        b.numSpeculativeTokens = 0;
        assertThatThrownBy(b::validate).hasMessageContaining("num-speculative-tokens");
        SpeculativeConfig negative = new SpeculativeConfig();
        negative.disableByBatchSize = -1;
        assertThatThrownBy(negative::validate).hasMessageContaining("disable-by-batch-size");
        SpeculativeConfig c = new SpeculativeConfig();
        c.baseConfig = new LinkedHashMap<>(Map.of("max-num-seq", 4));
        assertThatThrownBy(c::validate).hasMessageStartingWith("base-config: unknown key 'max-num-seq'; valid keys: ")
                .hasMessageContaining("max-num-seqs");
        SpeculativeConfig d = new SpeculativeConfig();
        d.baseConfig = new LinkedHashMap<>(Map.of("max-num-seqs", 0));
        assertThatThrownBy(d::validate).hasMessage("base-config: max-num-seqs must be at least 1, was 0");
        SpeculativeConfig f = new SpeculativeConfig();
        f.draftModel = "/m";
        f.drafter = "ngram";
        assertThatThrownBy(f::validate).hasMessageContaining("draft-model is set, but drafter is 'ngram'");
        SpeculativeConfig g = new SpeculativeConfig();
        g.base = "dynamic";
        g.baseConfig = new LinkedHashMap<>(Map.of("preferred-batch-sizes", List.of(2, 4), "max-queue-delay-ms", 5));
        g.validate();
        assertThat(g.drafterName()).isEqualTo("ngram");
        assertThat(new DynamicBatchScheduler(new dev.railyard.schedulers.dynamic.DynamicConfig(),
                Contexts.context(limits(10), 16, 10))).isNotNull();
    }

    /** A base that schedules every running decoding sequence for one token. */
    static final class StaticBase implements Scheduler {
        @Override
        public StepPlan schedule(SchedulerView view) {
            StepPlan.Builder b = StepPlan.builder();
            for (SequenceView s : view.running()) {
                b.schedule(s.id(), s.pendingTokens());
            }
            return b.build();
        }
    }

    private static SchedulerView view(EngineLimits limits, List<SequenceView> running) {
        KvCacheView kv = new KvCacheView() {
            @Override public int blockSize() { return 16; }
            @Override public int totalBlocks() { return 1000; }
            @Override public int freeBlocks() { return 1000; }
        };
        return new SchedulerView() {
            @Override public long nowNanos() { return 0; }
            @Override public List<SequenceView> waiting() { return List.of(); }
            @Override public List<SequenceView> running() { return running; }
            @Override public KvCacheView kvCache() { return kv; }
            @Override public EngineLimits limits() { return limits; }
        };
    }
}
