package dev.railyard.schedulers.dynamic;

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
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class DynamicBatchSchedulerTest {

    private static final long MS = 1_000_000L;

    private static EngineLimits limits() {
        return Contexts.limits(4096, 64, 100_000, true, true);
    }

    private static DynamicConfig config(int maxBatch, long delayMs) {
        DynamicConfig c = new DynamicConfig();
        c.maxBatchSize = maxBatch;
        c.maxQueueDelayMs = delayMs;
        return c;
    }

    private DynamicBatchScheduler scheduler;

    private FakeEngine engine(DynamicConfig cfg, EngineLimits limits, int blockSize, int blocks) {
        cfg.validate();
        scheduler = new DynamicBatchScheduler(cfg, Contexts.context(limits, blockSize, blocks));
        return new FakeEngine(scheduler, limits, blockSize, blocks);
    }

    private static Set<Long> ids(StepPlan plan) {
        return plan.scheduled().stream().map(ScheduledWork::sequenceId).collect(Collectors.toSet());
    }

    @Test
    void aFullBatchRunsAtOnce() {
        FakeEngine e = engine(config(4, 1000), limits(), 16, 1000);
        List<FakeSequence> s = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            s.add(e.submit(prompt(8), 3, 0));
        }
        StepPlan p = e.iterate();
        assertThat(ids(p)).containsExactlyInAnyOrder(s.get(0).id(), s.get(1).id(), s.get(2).id(), s.get(3).id());
        assertThat(scheduler.currentBatch()).hasSize(4);
    }

    @Test
    void aPreferredSizeRunsAsSoonAsItCanBeFormed() {
        DynamicConfig cfg = config(8, 1000);
        cfg.preferredBatchSizes = List.of(2, 4);
        FakeEngine e = engine(cfg, limits(), 16, 1000);
        FakeSequence a = e.submit(prompt(8), 3, 0);
        StepPlan wait = e.iterate();
        assertThat(wait.scheduled()).isEmpty();
        assertThat(wait.wakeAtNanos()).isEqualTo(1000 * MS);
        FakeSequence b = e.submit(prompt(8), 3, 0);
        FakeSequence c = e.submit(prompt(8), 3, 0);
        StepPlan p = e.iterate();
        assertThat(ids(p)).containsExactlyInAnyOrder(a.id(), b.id()); // the largest preferred size that fits: 2
        assertThat(c.state()).isEqualTo(dev.railyard.spi.scheduler.SequenceState.WAITING);
    }

    @Test
    void theOldestRequestsDelayExpiryFormsTheBatchInVirtualTime() {
        FakeEngine e = engine(config(8, 50), limits(), 16, 1000);
        e.submitAt(0, prompt(8), 3, 0);
        e.submitAt(10 * MS, prompt(8), 3, 0);
        e.submitAt(49 * MS, prompt(8), 3, 0);
        List<Long> wakes = new ArrayList<>();
        e.onStep(st -> {
            if (st.plan().scheduled().isEmpty()) {
                wakes.add(st.plan().wakeAtNanos());
            }
        });
        e.runToCompletion(1000);
        assertThat(wakes).containsOnly(50 * MS);
        assertThat(e.sequences()).allMatch(s -> s.firstScheduledNanos() == 50 * MS);
        assertThat(e.sequences()).allMatch(s -> s.finishReason() == FinishReason.LENGTH);
    }

    @Test
    void zeroDelayNeverWaitsUnderLowLoad() {
        FakeEngine e = engine(config(8, 0), limits(), 16, 1000);
        for (int i = 0; i < 5; i++) {
            e.submitAt(i * 100 * MS, prompt(8), 3, 0);
        }
        e.runToCompletion(1000);
        for (FakeSequence s : e.sequences()) {
            assertThat(s.firstScheduledNanos()).isEqualTo(s.arrivalNanos());
        }
    }

    @Test
    void nothingJoinsARunningBatch() {
        FakeEngine e = engine(config(2, 0), limits(), 16, 1000);
        FakeSequence a = e.submit(prompt(8), 10, 0);
        FakeSequence b = e.submit(prompt(8), 20, 0);
        e.iterate();
        FakeSequence late = e.submit(prompt(4), 2, 0);
        while (!b.finished()) {
            StepPlan p = e.iterate();
            assertThat(ids(p)).doesNotContain(late.id());
        }
        assertThat(a.finishedIteration()).isLessThan(b.finishedIteration());
        StepPlan p = e.iterate();
        assertThat(ids(p)).containsExactly(late.id());
    }

    @Test
    void queueFullRejectsTheLatestWithAClearReason() {
        DynamicConfig cfg = config(1, 0);
        cfg.maxQueueSize = 2;
        FakeEngine e = engine(cfg, limits(), 16, 1000);
        FakeSequence running = e.submit(prompt(8), 10, 0);
        e.iterate();
        List<FakeSequence> queued = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            queued.add(e.submit(prompt(8), 2, 0));
        }
        StepPlan p = e.iterate();
        assertThat(p.rejected()).extracting(r -> r.sequenceId()).containsExactly(queued.get(2).id(), queued.get(3).id());
        assertThat(p.rejected()).allMatch(r -> r.reason().equals("queue full: 2 requests waiting (max-queue-size 2)"));
        assertThat(ids(p)).containsExactly(running.id());
        e.runToCompletion(1000);
        assertThat(queued.get(0).finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(queued.get(1).finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(queued.get(3).rejection()).isEqualTo("queue full: 2 requests waiting (max-queue-size 2)");
    }

    @Test
    void aRequestThatWaitedPastTheTimeoutIsRejected() {
        DynamicConfig cfg = config(1, 0);
        cfg.defaultTimeoutMs = 100;
        FakeEngine e = engine(cfg, limits(), 16, 1000).stepNanos(MS);
        FakeSequence running = e.submit(prompt(8), 300, 0);
        FakeSequence patient = e.submit(prompt(8), 2, 0);
        e.runToCompletion(10_000);
        assertThat(running.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(patient.finishReason()).isEqualTo(FinishReason.REJECTED);
        assertThat(patient.rejection()).isEqualTo("timed out in queue: waited 100 ms without being batched (default-timeout-ms 100)");
        assertThat(patient.finishedIteration()).isEqualTo(101);
    }

    @Test
    void whileGatheringItWakesUpForTheTimeout() {
        DynamicConfig cfg = config(8, 500);
        cfg.defaultTimeoutMs = 200;
        FakeEngine e = engine(cfg, limits(), 16, 1000);
        FakeSequence a = e.submit(prompt(8), 2, 0);
        StepPlan p = e.iterate();
        assertThat(p.wakeAtNanos()).isEqualTo(200 * MS);
        e.advanceTo(200 * MS);
        StepPlan q = e.iterate();
        assertThat(q.rejected()).extracting(r -> r.sequenceId()).containsExactly(a.id());
    }

    @Test
    void delayedRequestsAreKeptButServedAfterTheOnesOnTime() {
        DynamicConfig cfg = config(1, 0);
        cfg.defaultTimeoutMs = 50;
        cfg.timeoutAction = "delay";
        FakeEngine e = engine(cfg, limits(), 16, 1000).stepNanos(MS);
        FakeSequence running = e.submit(prompt(8), 100, 0);
        FakeSequence old = e.submit(prompt(8), 2, 0); // will time out behind `running`
        e.submitAt(90 * MS, prompt(8), 2, 0);
        e.runToCompletion(10_000);
        FakeSequence fresh = e.sequence(2);
        assertThat(List.of(running, old, fresh)).allMatch(s -> s.finishReason() == FinishReason.LENGTH);
        assertThat(fresh.firstScheduledIteration()).isLessThan(old.firstScheduledIteration());
    }

    @Test
    void priorityLevelsOrderTheQueue() {
        DynamicConfig cfg = config(1, 0);
        cfg.priorityLevels = 3;
        cfg.defaultPriorityLevel = 2;
        FakeEngine e = engine(cfg, limits(), 16, 1000);
        FakeSequence first = e.submit(prompt(4), 5, 0);
        e.iterate();
        FakeSequence low = e.submit(prompt(4), 2, 3);
        FakeSequence dflt = e.submit(prompt(4), 2, 0);
        FakeSequence high = e.submit(prompt(4), 2, 1);
        FakeSequence beyond = e.submit(prompt(4), 2, 9); // clamped to level 3, after `low`
        e.runToCompletion(1000);
        assertThat(e.finishOrder()).containsExactly(first.id(), high.id(), dflt.id(), low.id(), beyond.id());
    }

    @Test
    void aBatchIsShrunkToFitTheKvCache() {
        // 8 blocks of 4 tokens; each prompt of 12 tokens needs 3 blocks: only 2 fit
        FakeEngine e = engine(config(4, 0), limits(), 4, 8);
        for (int i = 0; i < 4; i++) {
            e.submit(prompt(12), 4, 0);
        }
        StepPlan p = e.iterate();
        assertThat(p.scheduled()).hasSize(2);
        assertThat(scheduler.currentBatch()).hasSize(2);
        e.runToCompletion(1000);
        assertThat(e.sequences()).allMatch(s -> s.finishReason() == FinishReason.LENGTH);
    }

    @Test
    void decodeGrowthPreemptsWithinTheBatchAsALastResort() {
        // 6 blocks of 2 tokens: three prompts of 3 tokens fit (2 blocks each), their growth doesn't
        FakeEngine e = engine(config(3, 0), limits(), 2, 6);
        List<FakeSequence> s = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            s.add(e.submit(prompt(3), 6, 0));
        }
        FakeSequence late = e.submit(prompt(2), 1, 0);
        Set<Long> preempted = new HashSet<>();
        e.onStep(st -> {
            preempted.addAll(st.plan().preempted());
            if (!s.stream().allMatch(FakeSequence::finished)) {
                assertThat(ids(st.plan())).doesNotContain(late.id());
            }
        });
        e.runToCompletion(1000);
        assertThat(preempted).isNotEmpty().doesNotContain(s.get(0).id());
        assertThat(s).allMatch(x -> x.finishReason() == FinishReason.LENGTH);
        assertThat(late.firstScheduledIteration()).isGreaterThan(s.stream().mapToLong(FakeSequence::finishedIteration).max().orElseThrow());
    }

    @Test
    void longPromptsPrefillInChunksWithinTheStepLimit() {
        EngineLimits lim = Contexts.limits(64, 64, 100_000, true, true);
        FakeEngine e = engine(config(2, 0), lim, 16, 1000);
        FakeSequence a = e.submit(prompt(100), 2, 0);
        FakeSequence b = e.submit(prompt(50), 2, 0);
        e.onStep(st -> assertThat(st.plan().totalTokens()).isLessThanOrEqualTo(64));
        e.runToCompletion(100);
        assertThat(List.of(a, b)).allMatch(x -> x.finishReason() == FinishReason.LENGTH);
    }

    @Test
    void rejectsARequestThatCanNeverRun() {
        FakeEngine e = engine(config(2, 0), Contexts.limits(64, 8, 100_000, false, false), 16, 1000);
        FakeSequence big = e.submit(prompt(65), 2, 0);
        StepPlan p = e.iterate();
        assertThat(p.rejected()).extracting(r -> r.sequenceId()).containsExactly(big.id());
        assertThat(p.rejected().getFirst().reason()).startsWith("request can never be scheduled: its prompt of 65 tokens");
    }

    @Test
    void configValidationNamesTheKey() {
        DynamicConfig a = config(4, 10);
        a.preferredBatchSizes = List.of(2, 5);
        assertThatThrownBy(a::validate).isInstanceOf(InvalidConfigException.class)
                .hasMessage("preferred-batch-sizes must each be in [1, max-batch-size 4], found 5");
        DynamicConfig b = config(0, 10);
        assertThatThrownBy(b::validate).hasMessageContaining("max-batch-size");
        DynamicConfig c = config(4, -1);
        assertThatThrownBy(c::validate).hasMessageContaining("max-queue-delay-ms");
        DynamicConfig d = config(4, 10);
        d.priorityLevels = 3;
        assertThatThrownBy(d::validate).hasMessageContaining("default-priority-level must be in [1, 3]");
        DynamicConfig f = config(4, 10);
        f.timeoutAction = "drop";
        assertThatThrownBy(f::validate).hasMessageContaining("timeout-action");
        DynamicConfig g = config(4, 10);
        g.maxQueueSize = -1;
        assertThatThrownBy(g::validate).hasMessageContaining("max-queue-size");
        DynamicConfig h = config(4, 10);
        h.defaultTimeoutMs = -1;
        assertThatThrownBy(h::validate).hasMessageContaining("default-timeout-ms");
    }
}
