package dev.railyard.schedulers.speculative;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.schedulers.continuous.ContinuousConfig;
import dev.railyard.schedulers.continuous.ContinuousScheduler;
import dev.railyard.schedulers.drafters.NgramConfig;
import dev.railyard.schedulers.drafters.NgramDrafter;
import dev.railyard.schedulers.dynamic.DynamicBatchScheduler;
import dev.railyard.schedulers.dynamic.DynamicConfig;
import dev.railyard.schedulers.testkit.Contexts;
import dev.railyard.schedulers.testkit.FakeEngine;
import dev.railyard.schedulers.testkit.FakeSequence;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random scenarios (seeded) for the speculative scheduler over both bases with the ngram drafter:
 * every plan valid, every request finishes, and (greedy verification) every output is exactly
 * what the model produces without speculation.
 */
class SpeculativePropertyTest {

    private static final int SCENARIOS = 800;

    /** Half the sequences repeat with a period (drafts hit), half are pseudo-random (drafts miss). */
    private static int model(long id, int[] t, int size, int vocab) {
        if (id % 2 == 0 && size >= 3) {
            return t[size - 3];
        }
        return (int) Math.floorMod(id * 7919L + size * 104729L + t[size - 1] * 31L, vocab);
    }

    @Test
    void randomScenarios() {
        long drafted = 0;
        long accepted = 0;
        for (int seed = 0; seed < SCENARIOS; seed++) {
            try {
                long[] counts = scenario(seed);
                drafted += counts[0];
                accepted += counts[1];
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("scenario seed " + seed + " failed: " + e.getMessage(), e);
            }
        }
        assertThat(drafted).isPositive();
        assertThat(accepted).isGreaterThan(drafted / 4);
        System.out.printf("%d scenarios: %d drafted, %d accepted%n", SCENARIOS, drafted, accepted);
    }

    private static long[] scenario(long seed) {
        Random r = new Random(seed);
        int blockSize = new int[] {1, 2, 4, 16}[r.nextInt(4)];
        int totalBlocks = r.nextInt(3) == 0 ? 2 + r.nextInt(12) : 8 + r.nextInt(200);
        int maxTokensPerStep = r.nextBoolean() ? 8 + r.nextInt(64) : 64 + r.nextInt(1024);
        int context = r.nextBoolean() ? 100_000 : 48 + r.nextInt(200);
        EngineLimits limits = Contexts.limits(maxTokensPerStep, 1 + r.nextInt(32), context, true, true);
        SchedulerContext ctx = Contexts.context(limits, blockSize, totalBlocks);
        Scheduler base;
        if (r.nextBoolean()) {
            ContinuousConfig c = new ContinuousConfig();
            c.policy = r.nextBoolean() ? "fcfs" : "priority";
            c.maxBatchedTokens = r.nextBoolean() ? 2048 : 4 + r.nextInt(128);
            c.maxNumSeqs = 1 + r.nextInt(16);
            base = new ContinuousScheduler(c, ctx);
        } else {
            DynamicConfig c = new DynamicConfig();
            c.maxBatchSize = 1 + r.nextInt(8);
            c.maxQueueDelayMs = r.nextInt(3);
            base = new DynamicBatchScheduler(c, ctx);
        }
        NgramConfig nc = new NgramConfig();
        nc.maxNgram = 1 + r.nextInt(4);
        nc.minNgram = 1 + r.nextInt(nc.maxNgram);
        int k = 1 + r.nextInt(6);
        SpeculativeScheduler s = new SpeculativeScheduler(base, new NgramDrafter(nc), k, r.nextBoolean());
        int vocab = 50 + r.nextInt(100);
        FakeEngine e = new FakeEngine(s, limits, blockSize, totalBlocks, vocab)
                .model(q -> model(q.id(), q.tokens(), q.totalLength(), vocab));

        int capacity = totalBlocks * blockSize;
        int n = 1 + r.nextInt(16);
        List<int[]> prompts = new ArrayList<>();
        List<Integer> maxTokens = new ArrayList<>();
        Set<Integer> hopeless = new HashSet<>();
        long t = 0;
        int work = 0;
        for (int i = 0; i < n; i++) {
            t += r.nextInt(3) == 0 ? 0 : r.nextInt(4_000_000);
            int len = 1 + r.nextInt(Math.min(context - 1, 40));
            int[] prompt = new int[len];
            for (int j = 0; j < len; j++) {
                prompt[j] = r.nextInt(vocab);
            }
            int mt = 1 + r.nextInt(40);
            if (Math.ceilDiv(len, blockSize) > totalBlocks) {
                hopeless.add(i);
            } else {
                mt = Math.max(1, Math.min(mt, capacity - len));
            }
            mt = Math.min(mt, context - len);
            prompts.add(prompt);
            maxTokens.add(mt);
            work += len + mt;
            e.submitAt(t, prompt, mt, r.nextInt(3));
        }
        e.onStep(st -> {
            for (ScheduledWork w : st.plan().scheduled()) {
                assertThat(w.draftLength()).isLessThanOrEqualTo(k);
            }
        });
        e.runToCompletion(100L * n + 4L * work + 1000);
        long drafted = 0;
        long accepted = 0;
        List<FakeSequence> seqs = e.sequences();
        for (int i = 0; i < seqs.size(); i++) {
            FakeSequence q = seqs.get(i);
            if (hopeless.contains(i)) {
                assertThat(q.finishReason()).isEqualTo(FinishReason.REJECTED);
                continue;
            }
            assertThat(q.finishReason()).as("%s", q).isEqualTo(FinishReason.LENGTH);
            int[] want = reference(q.id(), prompts.get(i), maxTokens.get(i), vocab);
            assertThat(q.output()).as("output of %s", q).containsExactly(want);
            drafted += q.drafted();
            accepted += q.acceptedDrafts();
        }
        assertThat(e.freeBlocks()).isEqualTo(totalBlocks);
        return new long[] {drafted, accepted};
    }

    private static int[] reference(long id, int[] prompt, int maxTokens, int vocab) {
        int[] t = Arrays.copyOf(prompt, prompt.length + maxTokens);
        for (int i = prompt.length; i < t.length; i++) {
            t[i] = model(id, t, i, vocab);
        }
        return Arrays.copyOfRange(t, prompt.length, t.length);
    }
}
