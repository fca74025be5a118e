package dev.railyard.conformance.testplugins;

import dev.railyard.conformance.scheduler.SchedulerCapability;
import dev.railyard.conformance.scheduler.SchedulerProfile;
import dev.railyard.spi.scheduler.DraftProposal;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Deliberately broken schedulers, each wrong in one way, and the correct one they derive from. */
public final class BrokenSchedulers {

    private BrokenSchedulers() {
    }

    /** The correct base. */
    public static SchedulerProfile correct() {
        return profile("fcfs-batch", FcfsBatchScheduler::new, Set.of());
    }

    /**
     * A correct speculative scheduler: deterministic prompt-lookup drafts (the tokens that followed
     * the latest earlier occurrence of the pending token), declared as point masses.
     */
    public static SchedulerProfile correctSpeculative() {
        return profile("fcfs-speculative", () -> new FcfsBatchScheduler() {
            @Override
            protected int addWork(StepPlan.Builder plan, SequenceView s, int n, int budget, int freeBlocks, SchedulerView view) {
                int[] draft = lookup(s, Math.min(3, Math.min(budget - 1, view.limits().maxContextLength() - s.computedLength() - 1)));
                boolean decoding = s.pendingTokens() == 1 && s.generatedCount() > 0;
                if (!decoding || draft == null || !view.limits().multiPositionLogits()
                        || view.kvCache().blocksNeeded(s, 1 + draft.length) > freeBlocks) {
                    return super.addWork(plan, s, n, budget, freeBlocks, view);
                }
                plan.schedule(ScheduledWork.withDraft(s.id(), DraftProposal.deterministic(draft)));
                return 1 + draft.length;
            }
        }, Set.of(SchedulerCapability.SPECULATION));
    }

    /** Up to {@code k} tokens that followed the latest earlier occurrence of the last token, or null. */
    static int[] lookup(SequenceView s, int k) {
        if (k < 1) {
            return null;
        }
        int n = s.totalLength();
        int last = s.tokenAt(n - 1);
        for (int q = n - 2; q >= 0; q--) {
            if (s.tokenAt(q) == last) {
                int len = Math.min(k, n - 1 - q);
                int[] d = new int[len];
                for (int i = 0; i < len; i++) {
                    d[i] = s.tokenAt(q + 1 + i);
                }
                return len == 0 ? null : d;
            }
        }
        return null;
    }

    /**
     * Leaks KV blocks: never schedules the last token of every fifth request, so those sequences
     * stay admitted with their blocks forever (the host owns allocation; a scheduler leaks by
     * never finishing what it admitted). Meant to fail S4.
     */
    public static SchedulerProfile leaking() {
        return profile("broken-leaks-blocks", () -> new FcfsBatchScheduler() {
            @Override
            protected boolean scheduleRunning(SequenceView s, SchedulerView view) {
                boolean lastToken = s.pendingTokens() == 1 && s.generatedCount() == s.maxTokens() - 1 && s.generatedCount() > 0;
                return !(lastToken && s.id() % 5 == 2);
            }
        }, Set.of());
    }

    /** Drops requests: never admits every seventh request. Meant to fail S5. */
    public static SchedulerProfile dropping() {
        return profile("broken-drops-requests", () -> new FcfsBatchScheduler() {
            @Override
            protected boolean admit(SequenceView s, SchedulerView view) {
                return s.id() % 7 != 3;
            }
        }, Set.of());
    }

    /** Starves long prompts: admits a prompt over 128 tokens only when nothing is running. Meant to fail L2. */
    public static SchedulerProfile starving() {
        return profile("broken-starves-long-prompts", () -> new FcfsBatchScheduler() {
            @Override
            protected boolean admit(SequenceView s, SchedulerView view) {
                return s.promptLength() <= 128 || view.running().isEmpty();
            }
        }, Set.of());
    }

    /** Ignores the token budget: computes everything pending at once. Meant to fail P4. */
    public static SchedulerProfile overBudget() {
        return profile("broken-token-budget", () -> new FcfsBatchScheduler() {
            @Override
            protected int tokensFor(SequenceView s, int budget, SchedulerView view) {
                return s.pendingTokens();
            }
        }, Set.of());
    }

    /**
     * A speculative scheduler with a wrong acceptance rule: its drafts are deterministic (the
     * pending token repeated) but it tells the host they were drawn uniformly, so the host's exact
     * acceptance test accepts them far too often. Greedy output stays exact; sampled output is
     * biased. Meant to fail S8.
     */
    public static SchedulerProfile wrongProposals() {
        return profile("broken-speculative-acceptance", () -> new FcfsBatchScheduler() {
            @Override
            protected int addWork(StepPlan.Builder plan, SequenceView s, int n, int budget, int freeBlocks, SchedulerView view) {
                int k = Math.min(3, Math.min(budget - 1, view.limits().maxContextLength() - s.computedLength() - 1));
                boolean decoding = s.pendingTokens() == 1 && s.generatedCount() > 0;
                if (!decoding || k < 1 || !view.limits().multiPositionLogits()
                        || view.kvCache().blocksNeeded(s, 1 + k) > freeBlocks) {
                    return super.addWork(plan, s, n, budget, freeBlocks, view);
                }
                int vocab = vocabOf(view);
                int[] draft = new int[k];
                Arrays.fill(draft, s.tokenAt(s.totalLength() - 1));
                float[][] q = new float[k][vocab];
                for (float[] row : q) {
                    Arrays.fill(row, 1f / vocab);
                }
                plan.schedule(ScheduledWork.withDraft(s.id(), new DraftProposal(draft, q)));
                return 1 + k;
            }
        }, Set.of(SchedulerCapability.SPECULATION));
    }

    /** The vocabulary is not in the view; the kit's simulated backend uses 256. */
    static int vocabOf(SchedulerView view) {
        return 256;
    }

    private static SchedulerProfile profile(String name, java.util.function.Supplier<dev.railyard.spi.scheduler.Scheduler> f,
                                            Set<SchedulerCapability> caps) {
        return new SchedulerProfile(name, new TestSchedulerProvider(name, f), Map.of(), caps, List.of());
    }
}
