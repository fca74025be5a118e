package dev.railyard.host.server;

import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;

/**
 * A minimal continuous-batching scheduler for the server tests: every running sequence gets its
 * pending tokens, then waiting ones join in arrival order while KV blocks, the token budget and
 * the sequence limit last. No preemption: a sequence that cannot grow waits a step.
 */
public final class FcfsTestScheduler implements Scheduler {

    @Override
    public StepPlan schedule(SchedulerView view) {
        StepPlan.Builder plan = StepPlan.builder();
        KvCacheView kv = view.kvCache();
        int free = kv.freeBlocks();
        int budget = view.limits().maxTokensPerStep();
        int seqs = view.limits().maxSequencesPerStep();
        boolean any = false;
        for (SequenceView s : view.running()) {
            int n = Math.min(s.pendingTokens(), budget);
            int need = kv.blocksNeeded(s, n);
            if (n == 0 || need > free || seqs == 0) {
                continue;
            }
            free -= need;
            budget -= n;
            seqs--;
            plan.schedule(s.id(), n);
            any = true;
        }
        for (SequenceView s : view.waiting()) {
            int n = Math.min(s.pendingTokens(), budget);
            int need = kv.blocksNeeded(s, n);
            if (n == 0 || need > free || seqs == 0) {
                break;
            }
            free -= need;
            budget -= n;
            seqs--;
            plan.schedule(s.id(), n);
            any = true;
        }
        return any ? plan.build() : StepPlan.idle();
    }
}
