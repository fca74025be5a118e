package dev.railyard.schedulers.continuous;

import static dev.railyard.schedulers.testkit.Contexts.prompt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.schedulers.testkit.Contexts;
import dev.railyard.schedulers.testkit.FakeEngine;
import dev.railyard.schedulers.testkit.FakeSequence;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContinuousSchedulerTest {

    private static ContinuousConfig config() {
        return new ContinuousConfig();
    }

    private static FakeEngine engine(ContinuousConfig cfg, EngineLimits limits, int blockSize, int blocks) {
        cfg.validate();
        ContinuousScheduler s = new ContinuousScheduler(cfg, Contexts.context(limits, blockSize, blocks));
        return new FakeEngine(s, limits, blockSize, blocks);
    }

    private static EngineLimits limits(int tokens, int seqs) {
        return Contexts.limits(tokens, seqs, 100_000, true, true);
    }

    private static int tokensOf(StepPlan plan, long id) {
        return plan.scheduled().stream().filter(w -> w.sequenceId() == id).mapToInt(ScheduledWork::numTokens).sum();
    }

    @Test
    void idleWhenNothingIsActive() {
        ContinuousScheduler s = new ContinuousScheduler(config(), Contexts.context(limits(64, 8), 16, 16));
        FakeEngine e = new FakeEngine(s, limits(64, 8), 16, 16);
        assertThat(e.peek()).isSameAs(StepPlan.idle());
        FakeSequence a = e.submit(prompt(4), 1, 0);
        e.runToCompletion(100);
        assertThat(a.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(e.peek()).isSameAs(StepPlan.idle());
    }

    @Test
    void decodesFirstThenAdmitsWaitingWithinTheTokenBudget() {
        ContinuousConfig cfg = config();
        cfg.maxBatchedTokens = 100;
        FakeEngine e = engine(cfg, limits(4096, 64), 16, 1000);
        FakeSequence a = e.submit(prompt(60), 10, 0);
        StepPlan p1 = e.iterate();
        assertThat(tokensOf(p1, a.id())).isEqualTo(60);
        FakeSequence b = e.submit(prompt(300), 10, 0);
        FakeSequence c = e.submit(prompt(5), 10, 0);
        StepPlan p2 = e.iterate();
        // a decodes one token first, b gets the rest of the budget as a chunk, c waits (FCFS)
        assertThat(p2.scheduled().getFirst()).isEqualTo(ScheduledWork.of(a.id(), 1));
        assertThat(tokensOf(p2, b.id())).isEqualTo(99);
        assertThat(tokensOf(p2, c.id())).isZero();
        StepPlan p3 = e.iterate();
        assertThat(tokensOf(p3, a.id())).isEqualTo(1);
        assertThat(tokensOf(p3, b.id())).isEqualTo(99);
        StepPlan p4 = e.iterate();
        assertThat(tokensOf(p4, b.id())).isEqualTo(99);
        StepPlan p5 = e.iterate();
        // b's last 3 tokens, then c is admitted with the rest
        assertThat(tokensOf(p5, b.id())).isEqualTo(3);
        assertThat(tokensOf(p5, c.id())).isEqualTo(5);
        assertThat(p5.totalTokens()).isLessThanOrEqualTo(100);
    }

    @Test
    void chunkedPrefillSplitsALongPromptByTheBudget() {
        ContinuousConfig cfg = config();
        cfg.maxBatchedTokens = 2048;
        FakeEngine e = engine(cfg, limits(4096, 64), 16, 1000);
        FakeSequence a = e.submit(prompt(5000), 2, 0);
        List<Integer> chunks = new ArrayList<>();
        e.onStep(st -> chunks.add(tokensOf(st.plan(), a.id())));
        e.runToCompletion(100);
        assertThat(chunks).containsExactly(2048, 2048, 904, 1);
    }

    @Test
    void engineLimitCapsTheConfiguredBudget() {
        ContinuousConfig cfg = config(); // 2048 by default
        FakeEngine e = engine(cfg, limits(256, 64), 16, 1000);
        FakeSequence a = e.submit(prompt(600), 1, 0);
        List<Integer> chunks = new ArrayList<>();
        e.onStep(st -> chunks.add(tokensOf(st.plan(), a.id())));
        e.runToCompletion(100);
        assertThat(chunks).containsExactly(256, 256, 88);
    }

    @Test
    void longPrefillThresholdLeavesRoomForOtherPrompts() {
        ContinuousConfig cfg = config();
        cfg.maxBatchedTokens = 512;
        cfg.longPrefillTokenThreshold = 128;
        FakeEngine e = engine(cfg, limits(4096, 64), 16, 1000);
        FakeSequence a = e.submit(prompt(1000), 4, 0);
        FakeSequence b = e.submit(prompt(100), 4, 0);
        StepPlan p = e.iterate();
        assertThat(tokensOf(p, a.id())).isEqualTo(128);
        assertThat(tokensOf(p, b.id())).isEqualTo(100);
    }

    @Test
    void aPrefillChunkNeverTakesTheTokensOfLaterDecodes() {
        ContinuousConfig cfg = config();
        cfg.maxBatchedTokens = 8;
        cfg.maxNumSeqs = 8;
        FakeEngine e = engine(cfg, limits(4096, 64), 4, 1000);
        // a (long prompt) arrives first but b and c are decoding before a's prefill is done
        FakeSequence b = e.submit(prompt(3), 50, 0);
        FakeSequence c = e.submit(prompt(3), 50, 0);
        e.iterate();
        FakeSequence a = e.submit(prompt(100), 5, 0);
        for (int i = 0; i < 10; i++) {
            StepPlan p = e.iterate();
            assertThat(tokensOf(p, b.id())).isEqualTo(1);
            assertThat(tokensOf(p, c.id())).isEqualTo(1);
            assertThat(tokensOf(p, a.id())).isEqualTo(6);
        }
    }

    @Test
    void fcfsHeadOfLineIsNotBypassedBySmallerLaterRequests() {
        ContinuousConfig cfg = config();
        cfg.maxBatchedTokens = 64;
        // 10 blocks of 4 tokens: the running sequence holds most of them
        FakeEngine e = engine(cfg, limits(4096, 64), 4, 10);
        FakeSequence run = e.submit(prompt(24), 8, 0); // 6 blocks, grows to 8
        e.iterate();
        FakeSequence big = e.submit(prompt(30), 4, 0); // needs 8 blocks: waits
        FakeSequence small = e.submit(prompt(2), 4, 0); // would fit, but must not overtake
        List<Long> admittedOrder = new ArrayList<>();
        e.onStep(st -> {
            for (ScheduledWork w : st.plan().scheduled()) {
                FakeEngine.Snapshot sn = st.before().get(w.sequenceId());
                if (sn.state() != SequenceState.RUNNING && !admittedOrder.contains(w.sequenceId())) {
                    admittedOrder.add(w.sequenceId());
                }
            }
        });
        e.runToCompletion(1000);
        assertThat(admittedOrder).containsExactly(big.id(), small.id());
        assertThat(run.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(big.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(small.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void priorityPolicyAdmitsSmallerPriorityValuesFirst() {
        ContinuousConfig cfg = config();
        cfg.policy = "priority";
        cfg.maxNumSeqs = 1;
        FakeEngine e = engine(cfg, limits(4096, 64), 16, 100);
        FakeSequence low = e.submit(prompt(4), 2, 5);
        FakeSequence mid = e.submit(prompt(4), 2, 1);
        FakeSequence high = e.submit(prompt(4), 2, 0);
        FakeSequence mid2 = e.submit(prompt(4), 2, 1);
        e.runToCompletion(100);
        assertThat(e.finishOrder()).containsExactly(high.id(), mid.id(), mid2.id(), low.id());
    }

    @Test
    void preemptsTheLowestPriorityLatestRunningSequenceWhenBlocksRunOut() {
        ContinuousConfig cfg = config();
        cfg.policy = "priority";
        // 6 blocks of 2 tokens; three sequences of 4 tokens fill them
        FakeEngine e = engine(cfg, limits(4096, 64), 2, 6);
        FakeSequence a = e.submit(prompt(3), 8, 1);
        FakeSequence b = e.submit(prompt(3), 8, 0);
        FakeSequence c = e.submit(prompt(3), 8, 1);
        e.iterate(); // all three prefill: 2 blocks each, each now has 4 tokens of which 3 computed
        StepPlan p = e.iterate(); // decodes fit (position 3 in block 1)
        assertThat(p.preempted()).isEmpty();
        StepPlan p2 = e.iterate(); // position 4 needs a third block each: none free
        // victims: c (priority 1, latest) first, then a (priority 1, earlier)
        assertThat(p2.preempted()).containsExactly(c.id());
        assertThat(tokensOf(p2, b.id())).isEqualTo(1);
        assertThat(tokensOf(p2, a.id())).isEqualTo(1);
        assertThat(c.state()).isEqualTo(SequenceState.PREEMPTED);
        e.runToCompletion(10_000);
        assertThat(List.of(a, b, c)).allMatch(s -> s.finishReason() == FinishReason.LENGTH);
        assertThat(b.preemptions()).isZero();
    }

    @Test
    void fcfsPreemptsTheLatestArrivedEvenWhenItWasAdmittedFirst() {
        ContinuousConfig cfg = config();
        FakeEngine e = engine(cfg, limits(4096, 64), 2, 4);
        FakeSequence a = e.submit(prompt(3), 10, 0);
        FakeSequence b = e.submit(prompt(3), 10, 0);
        e.iterate();
        e.iterate();
        StepPlan p = e.iterate();
        assertThat(p.preempted()).containsExactly(b.id());
        assertThat(tokensOf(p, a.id())).isEqualTo(1);
    }

    @Test
    void aLoneSequenceThatOutgrowsThePoolIsPreemptedAndDoesNotBlockOthers() {
        ContinuousConfig cfg = config();
        FakeEngine e = engine(cfg, limits(4096, 64), 2, 3); // 6 positions in all
        FakeSequence hog = e.submit(prompt(4), 50, 0);
        FakeSequence later = e.submit(prompt(2), 2, 0);
        for (int i = 0; i < 50 && !later.finished(); i++) {
            e.iterate();
        }
        assertThat(later.finishReason()).isEqualTo(FinishReason.LENGTH);
        // the hog reached 6 tokens and can't compute a 7th position; it waits, preempted (SPI: cannot be rejected)
        assertThat(hog.state()).isEqualTo(SequenceState.PREEMPTED);
        assertThat(hog.generatedCount()).isEqualTo(3);
        StepPlan p = e.iterate();
        assertThat(p.scheduled()).isEmpty();
        assertThat(p.wakeAtNanos()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void doesNotAdmitWhatTheNextDecodeWouldHaveToPreempt() {
        FakeEngine e = engine(config(), limits(4096, 64), 4, 3);
        FakeSequence a = e.submit(prompt(3), 3, 0);
        e.iterate(); // a: 3 tokens in block 1, one generated
        FakeSequence w = e.submit(prompt(8), 2, 0); // 2 blocks: they are free now...
        StepPlan p = e.iterate();
        // ...but a's next decode needs a second block, and w's own decode a third: w waits
        assertThat(tokensOf(p, w.id())).isZero();
        e.runToCompletion(100);
        assertThat(a.preemptions() + w.preemptions()).isZero();
        assertThat(w.firstScheduledIteration()).isEqualTo(a.finishedIteration() + 1);
        assertThat(w.finishReason()).isEqualTo(FinishReason.LENGTH);
    }

    @Test
    void rejectsAPromptThatCanNeverFitTheKvPool() {
        FakeEngine e = engine(config(), limits(4096, 64), 16, 4); // 64 positions
        FakeSequence tooLong = e.submit(prompt(65), 1, 0);
        FakeSequence fine = e.submit(prompt(10), 2, 0);
        StepPlan p = e.iterate();
        assertThat(p.rejected()).hasSize(1);
        assertThat(p.rejected().getFirst().reason())
                .isEqualTo("request can never be scheduled: its prompt of 65 tokens needs 5 KV blocks of 16 tokens, but the KV cache has only 4 blocks in all");
        assertThat(tokensOf(p, fine.id())).isEqualTo(10);
        assertThat(tooLong.finishReason()).isEqualTo(FinishReason.REJECTED);
    }

    @Test
    void withoutChunkedPrefillPromptsRunWholeAndOversizedOnesAreRejected() {
        EngineLimits lim = Contexts.limits(128, 16, 100_000, false, false);
        ContinuousConfig cfg = config();
        cfg.maxBatchedTokens = 100;
        FakeEngine e = engine(cfg, lim, 16, 1000);
        FakeSequence a = e.submit(prompt(60), 3, 0);
        FakeSequence b = e.submit(prompt(60), 3, 0);
        FakeSequence big = e.submit(prompt(120), 3, 0); // > max-batched-tokens, <= engine limit: runs alone
        FakeSequence huge = e.submit(prompt(129), 3, 0); // > engine limit: never
        StepPlan p = e.iterate();
        assertThat(tokensOf(p, a.id())).isEqualTo(60);
        assertThat(tokensOf(p, b.id())).isZero();
        assertThat(p.rejected()).extracting(r -> r.sequenceId()).containsExactly(huge.id());
        assertThat(p.rejected().getFirst().reason()).contains("129 tokens").contains("no chunked prefill");
        e.runToCompletion(1000);
        assertThat(List.of(a, b, big)).allMatch(s -> s.finishReason() == FinishReason.LENGTH);
    }

    @Test
    void respectsMaxNumSeqs() {
        ContinuousConfig cfg = config();
        cfg.maxNumSeqs = 3;
        FakeEngine e = engine(cfg, limits(4096, 64), 16, 1000);
        for (int i = 0; i < 10; i++) {
            e.submit(prompt(5), 5, 0);
        }
        e.onStep(st -> assertThat(st.plan().scheduled().size()).isLessThanOrEqualTo(3));
        e.runToCompletion(1000);
        assertThat(e.sequences()).allMatch(s -> s.finishReason() == FinishReason.LENGTH);
    }

    @Test
    void configValidationNamesTheKey() {
        ContinuousConfig c = config();
        c.policy = "lifo";
        assertThatThrownBy(c::validate).isInstanceOf(InvalidConfigException.class).hasMessageContaining("policy");
        ContinuousConfig d = config();
        d.maxBatchedTokens = 0;
        assertThatThrownBy(d::validate).hasMessage("max-batched-tokens must be at least 1, was 0");
        ContinuousConfig f = config();
        f.maxNumSeqs = -1;
        assertThatThrownBy(f::validate).hasMessageContaining("max-num-seqs");
        ContinuousConfig g = config();
        g.longPrefillTokenThreshold = -5;
        assertThatThrownBy(g::validate).hasMessageContaining("long-prefill-token-threshold");
    }
}
