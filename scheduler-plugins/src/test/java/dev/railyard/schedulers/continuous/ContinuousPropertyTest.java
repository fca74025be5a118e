package dev.railyard.schedulers.continuous;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schedulers.testkit.Contexts;
import dev.railyard.schedulers.testkit.FakeEngine;
import dev.railyard.schedulers.testkit.FakeSequence;
import dev.railyard.schedulers.testkit.ScenarioTally;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.SequenceState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random scenarios (seeded): random arrivals, prompt lengths, max tokens, tiny and
 * large KV pools, priorities, budgets and backend capabilities. Every plan is checked against
 * every plan rule by the fake engine; on top, this test checks the scheduler's own promises.
 */
class ContinuousPropertyTest {

    private static final int SCENARIOS = 2500;

    @Test
    void randomScenarios() {
        ScenarioTally tally = ScenarioTally.run(SCENARIOS, ContinuousPropertyTest::scenario);
        // the scenarios do exercise preemption and rejection
        assertThat(tally.preemptions()).isGreaterThan(SCENARIOS / 10);
        assertThat(tally.rejections()).isGreaterThan(SCENARIOS / 10);
        System.out.printf("%d scenarios, %s%n", SCENARIOS, tally);
    }

    /** Mirrors the scheduler's ordering key, to check preemption and admission order. */
    private static Comparator<FakeEngine.Snapshot> key(boolean priority) {
        Comparator<FakeEngine.Snapshot> fcfs = Comparator.comparingLong(FakeEngine.Snapshot::arrivalNanos)
                .thenComparingLong(FakeEngine.Snapshot::id);
        return priority ? Comparator.comparingInt(FakeEngine.Snapshot::priority).thenComparing(fcfs) : fcfs;
    }

    private static void scenario(long seed, ScenarioTally tally) {
        Random r = new Random(seed);
        int blockSize = new int[] {1, 2, 4, 16}[r.nextInt(4)];
        boolean tinyPool = r.nextInt(3) == 0;
        int totalBlocks = tinyPool ? 1 + r.nextInt(12) : 8 + r.nextInt(200);
        boolean chunked = r.nextInt(4) != 0;
        int maxTokensPerStep = r.nextBoolean() ? 16 + r.nextInt(64) : 64 + r.nextInt(2048);
        int maxSeqsPerStep = 1 + r.nextInt(r.nextBoolean() ? 4 : 64);
        int context = r.nextBoolean() ? 100_000 : 64 + r.nextInt(400);
        EngineLimits limits = Contexts.limits(maxTokensPerStep, maxSeqsPerStep, context, chunked, r.nextBoolean());
        ContinuousConfig cfg = new ContinuousConfig();
        boolean priority = r.nextBoolean();
        cfg.policy = priority ? "priority" : "fcfs";
        cfg.maxBatchedTokens = r.nextBoolean() ? 2048 : 1 + r.nextInt(256);
        cfg.maxNumSeqs = r.nextBoolean() ? 256 : 1 + r.nextInt(16);
        cfg.enableChunkedPrefill = r.nextInt(5) != 0;
        cfg.longPrefillTokenThreshold = r.nextInt(3) == 0 ? 1 + r.nextInt(64) : 0;
        cfg.validate();
        ContinuousScheduler scheduler = new ContinuousScheduler(cfg, Contexts.context(limits, blockSize, totalBlocks));
        FakeEngine e = new FakeEngine(scheduler, limits, blockSize, totalBlocks);

        int capacity = totalBlocks * blockSize;
        int n = 1 + r.nextInt(r.nextBoolean() ? 8 : 40);
        Set<Integer> hopeless = new HashSet<>();
        int totalWork = 0;
        List<Integer> order = new ArrayList<>();
        long t = 0;
        for (int i = 0; i < n; i++) {
            t += r.nextInt(4) == 0 ? 0 : r.nextInt(3_000_000);
            int maxPrompt = Math.min(context - 1, r.nextInt(4) == 0 ? 600 : 60);
            int prompt = 1 + r.nextInt(maxPrompt);
            boolean never = Math.ceilDiv(prompt, blockSize) > totalBlocks || !chunked && prompt > maxTokensPerStep;
            int maxTokens = 1 + r.nextInt(r.nextBoolean() ? 8 : 60);
            if (!never) {
                // keep every admitted request able to finish: the SPI cannot end one that outgrows the pool
                int limit = Math.min(capacity, chunked ? Integer.MAX_VALUE : maxTokensPerStep);
                maxTokens = Math.max(1, Math.min(maxTokens, limit - prompt));
            }
            if (never) {
                hopeless.add(i);
            }
            totalWork += prompt + maxTokens;
            order.add(i);
            e.submitAt(t, Contexts.prompt(prompt), maxTokens, r.nextInt(4));
        }
        int budget = Math.min(cfg.maxBatchedTokens, maxTokensPerStep);
        boolean effectiveChunk = cfg.enableChunkedPrefill && chunked;
        Comparator<FakeEngine.Snapshot> k = key(priority);

        e.onStep(st -> {
            Map<Long, FakeEngine.Snapshot> before = st.before();
            // budgets
            int tokens = st.plan().totalTokens();
            if (tokens > budget) {
                // only a whole prefill larger than max-batched-tokens may exceed it, and then alone
                assertThat(st.plan().scheduled()).as("oversized step %s", st.plan()).hasSize(1);
                assertThat(effectiveChunk).isFalse();
            }
            assertThat(st.plan().scheduled().size()).isLessThanOrEqualTo(Math.min(cfg.maxNumSeqs, maxSeqsPerStep));
            for (ScheduledWork w : st.plan().scheduled()) {
                FakeEngine.Snapshot s = before.get(w.sequenceId());
                assertThat(w.draft()).isNull();
                if (s.pending() > 1 && cfg.longPrefillTokenThreshold > 0 && effectiveChunk) {
                    assertThat(w.numTokens()).isLessThanOrEqualTo(cfg.longPrefillTokenThreshold);
                }
            }
            // preemption picks the lowest-priority, latest-arrived running sequences
            if (!st.plan().preempted().isEmpty()) {
                List<FakeEngine.Snapshot> run = new ArrayList<>(st.runningOrder().stream().map(before::get).toList());
                run.sort(k);
                List<Long> tail = run.subList(run.size() - st.plan().preempted().size(), run.size()).stream()
                        .map(FakeEngine.Snapshot::id).toList();
                assertThat(st.plan().preempted()).as("victims among %s", run).containsExactlyInAnyOrderElementsOf(tail);
                // nothing admitted in a step that preempts
                for (ScheduledWork w : st.plan().scheduled()) {
                    assertThat(before.get(w.sequenceId()).state()).isEqualTo(SequenceState.RUNNING);
                }
            }
            // admission is a prefix of the policy order of the waiting sequences that can ever run
            Set<Long> admitted = new HashSet<>();
            for (ScheduledWork w : st.plan().scheduled()) {
                if (before.get(w.sequenceId()).state() != SequenceState.RUNNING) {
                    admitted.add(w.sequenceId());
                }
            }
            if (!admitted.isEmpty()) {
                List<FakeEngine.Snapshot> queue = new ArrayList<>(st.waitingOrder().stream().map(before::get).toList());
                queue.sort(k);
                boolean gap = false;
                for (FakeEngine.Snapshot s : queue) {
                    boolean rejected = st.plan().rejected().stream().anyMatch(x -> x.sequenceId() == s.id());
                    boolean outgrown = Math.ceilDiv(s.total(), blockSize) > totalBlocks
                            || !chunked && s.total() > maxTokensPerStep;
                    if (rejected || outgrown) {
                        continue;
                    }
                    if (admitted.contains(s.id())) {
                        assertThat(gap).as("sequence %s admitted past an earlier one in %s", s.id(), queue).isFalse();
                    } else {
                        gap = true;
                    }
                }
            }
        });
        e.runToCompletion(50L * n + 4L * totalWork + 1000);

        List<FakeSequence> seqs = e.sequences();
        tally.count(seqs);
        for (int i = 0; i < seqs.size(); i++) {
            FakeSequence s = seqs.get(i);
            if (hopeless.contains(i)) {
                assertThat(s.finishReason()).as("%s", s).isEqualTo(FinishReason.REJECTED);
                assertThat(s.rejection()).startsWith("request can never be scheduled: its prompt of ");
            } else {
                assertThat(s.finishReason()).as("%s", s).isEqualTo(FinishReason.LENGTH);
                assertThat(s.generatedCount()).isEqualTo(s.maxTokens());
            }
        }
        assertThat(e.freeBlocks()).isEqualTo(totalBlocks);
        if (!priority) {
            // FCFS: first scheduling in arrival order
            long last = -1;
            for (FakeSequence s : seqs) {
                if (s.finishReason() == FinishReason.REJECTED) {
                    continue;
                }
                assertThat(s.firstScheduledIteration()).as("first scheduling of %s", s).isGreaterThanOrEqualTo(last);
                last = s.firstScheduledIteration();
            }
        }
    }
}
