package dev.railyard.host.engine;

import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A small FCFS scheduler for the engine's own tests: running sequences first (whole pending
 * work), then waiting ones in order while blocks and budget last; when a running sequence cannot
 * grow, the latest running sequence is preempted.
 */
final class SimpleFcfsScheduler implements Scheduler {

    private final int chunk;

    SimpleFcfsScheduler(int chunk) {
        this.chunk = chunk;
    }

    @Override
    public StepPlan schedule(SchedulerView view) {
        StepPlan.Builder plan = StepPlan.builder();
        KvCacheView kv = view.kvCache();
        int free = kv.freeBlocks();
        int budget = view.limits().maxTokensPerStep();
        List<SequenceView> running = new ArrayList<>(view.running());
        Set<Long> preempted = new HashSet<>();
        for (int i = 0; i < running.size(); i++) {
            SequenceView s = running.get(i);
            if (preempted.contains(s.id())) {
                continue;
            }
            int n = Math.min(Math.min(chunk, s.pendingTokens()), budget);
            if (n == 0) {
                break;
            }
            int need = kv.blocksNeeded(s, n);
            while (need > free) {
                SequenceView victim = latestNotPreempted(running, preempted);
                preempted.add(victim.id());
                plan.preempt(victim.id());
                free += victim.allocatedBlocks();
                if (victim.id() == s.id()) {
                    break;
                }
            }
            if (preempted.contains(s.id())) {
                continue;
            }
            free -= need;
            budget -= n;
            plan.schedule(s.id(), n);
        }
        if (preempted.isEmpty()) {
            for (SequenceView s : view.waiting()) {
                int n = Math.min(Math.min(chunk, s.pendingTokens()), budget);
                int need = kv.blocksNeeded(s, n);
                if (n == 0 || need > free) {
                    break;
                }
                free -= need;
                budget -= n;
                plan.schedule(s.id(), n);
            }
        }
        StepPlan p = plan.build();
        return p.isEmpty() ? StepPlan.idle() : p;
    }

    private static SequenceView latestNotPreempted(List<SequenceView> running, Set<Long> preempted) {
        for (int i = running.size() - 1; i >= 0; i--) {
            if (!preempted.contains(running.get(i).id())) {
                return running.get(i);
            }
        }
        throw new IllegalStateException("nothing to preempt");
    }
}
