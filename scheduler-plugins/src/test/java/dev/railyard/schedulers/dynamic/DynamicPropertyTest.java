package dev.railyard.schedulers.dynamic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schedulers.testkit.Contexts;
import dev.railyard.schedulers.testkit.FakeEngine;
import dev.railyard.schedulers.testkit.FakeSequence;
import dev.railyard.schedulers.testkit.ScenarioTally;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.ScheduledWork;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Random scenarios (seeded) for the dynamic batcher: valid plans, completion, static batches. */
class DynamicPropertyTest {

    private static final int SCENARIOS = 1500;

    @Test
    void randomScenarios() {
        ScenarioTally tally = ScenarioTally.run(SCENARIOS, DynamicPropertyTest::scenario);
        // the scenarios do exercise preemption and rejection
        assertThat(tally.preemptions()).isGreaterThan(SCENARIOS / 10);
        assertThat(tally.rejections()).isGreaterThan(SCENARIOS / 10);
        System.out.printf("%d scenarios, %s%n", SCENARIOS, tally);
    }

    private static void scenario(long seed, ScenarioTally tally) {
        Random r = new Random(seed);
        int blockSize = new int[] {1, 2, 4, 16}[r.nextInt(4)];
        int totalBlocks = r.nextInt(3) == 0 ? 1 + r.nextInt(12) : 8 + r.nextInt(200);
        boolean chunked = r.nextInt(4) != 0;
        int maxTokensPerStep = r.nextBoolean() ? 16 + r.nextInt(64) : 64 + r.nextInt(2048);
        EngineLimits limits = Contexts.limits(maxTokensPerStep, 1 + r.nextInt(32), 100_000, chunked, true);
        DynamicConfig cfg = new DynamicConfig();
        cfg.maxBatchSize = 1 + r.nextInt(12);
        if (r.nextBoolean()) {
            cfg.preferredBatchSizes = List.of(1 + r.nextInt(cfg.maxBatchSize));
        }
        cfg.maxQueueDelayMs = r.nextBoolean() ? 0 : r.nextInt(20);
        if (r.nextBoolean()) {
            cfg.priorityLevels = 1 + r.nextInt(4);
            cfg.defaultPriorityLevel = 1 + r.nextInt(cfg.priorityLevels);
        }
        cfg.validate();
        DynamicBatchScheduler scheduler = new DynamicBatchScheduler(cfg, Contexts.context(limits, blockSize, totalBlocks));
        FakeEngine e = new FakeEngine(scheduler, limits, blockSize, totalBlocks);

        int capacity = totalBlocks * blockSize;
        int n = 1 + r.nextInt(30);
        Set<Integer> hopeless = new HashSet<>();
        int work = 0;
        long t = 0;
        for (int i = 0; i < n; i++) {
            t += r.nextInt(3) == 0 ? 0 : r.nextInt(5_000_000);
            int prompt = 1 + r.nextInt(r.nextInt(4) == 0 ? 400 : 40);
            int maxTokens = 1 + r.nextInt(30);
            boolean never = Math.ceilDiv(prompt, blockSize) > totalBlocks || !chunked && prompt > maxTokensPerStep;
            if (never) {
                hopeless.add(i);
            } else {
                int limit = Math.min(capacity, chunked ? Integer.MAX_VALUE : maxTokensPerStep);
                maxTokens = Math.max(1, Math.min(maxTokens, limit - prompt));
            }
            work += prompt + maxTokens;
            e.submitAt(t, Contexts.prompt(prompt), maxTokens, r.nextInt(4));
        }

        List<Set<Long>> batches = new ArrayList<>();
        e.onStep(st -> {
            Set<Long> batch = scheduler.currentBatch();
            for (ScheduledWork w : st.plan().scheduled()) {
                assertThat(batch).as("scheduled outside the batch").contains(w.sequenceId());
            }
            if (batches.isEmpty() || !batches.getLast().containsAll(batch)) {
                if (!batches.isEmpty()) {
                    // a new batch forms only when every member of the previous one has left
                    for (long id : batches.getLast()) {
                        assertThat(st.before()).as("member %s of the previous batch still active", id).doesNotContainKey(id);
                    }
                }
                batches.add(new HashSet<>(batch));
            }
            assertThat(batch.size()).isLessThanOrEqualTo(cfg.maxBatchSize);
        });
        e.runToCompletion(100L * n + 4L * work + 1000);
        List<FakeSequence> seqs = e.sequences();
        tally.count(seqs);
        for (int i = 0; i < seqs.size(); i++) {
            FakeSequence s = seqs.get(i);
            assertThat(s.finishReason()).as("%s", s).isEqualTo(hopeless.contains(i) ? FinishReason.REJECTED : FinishReason.LENGTH);
        }
        assertThat(e.freeBlocks()).isEqualTo(totalBlocks);
    }
}
