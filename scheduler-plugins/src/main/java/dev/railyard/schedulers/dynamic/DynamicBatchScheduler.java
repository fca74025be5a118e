package dev.railyard.schedulers.dynamic;

import dev.railyard.schedulers.support.Capacity;
import dev.railyard.schedulers.support.StepPacker;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Request-level batching, as Triton's dynamic batcher and DJL Serving do it.
 *
 * <p><b>Gathering.</b> While no batch runs, waiting requests queue (ordered by priority level,
 * then requests that have not timed out before delayed ones, then arrival). A batch is formed
 * when {@code max-batch-size} requests are queued, or as soon as one of the {@code
 * preferred-batch-sizes} can be formed (the largest that can), or when the oldest request has
 * waited {@code max-queue-delay-ms} (then with everything queued, up to the maximum). Until then
 * the scheduler answers {@link StepPlan#waitUntil} the oldest request's deadline.
 *
 * <p><b>Running.</b> The batch then runs alone: prefill (in chunks when the prompts exceed the
 * engine's tokens per step), then decode steps, and no newcomer joins until every member has
 * finished (static batching). A batch is shrunk at formation so its prompts fit the free KV
 * blocks; if decode growth runs out of blocks, the latest members are preempted by recompute
 * and rejoin when blocks free up, as a last resort.
 *
 * <p><b>Queue policy.</b> Requests that can never run in this engine, requests that waited
 * longer than {@code default-timeout-ms} without being batched (with {@code timeout-action:
 * reject}), and the latest requests beyond {@code max-queue-size} are rejected with a reason.
 */
public final class DynamicBatchScheduler implements Scheduler {

    private final int maxBatchSize;
    private final int[] preferredSizes;
    private final long delayNanos;
    private final int priorityLevels;
    private final int defaultLevel;
    private final int maxQueueSize;
    private final long timeoutNanos;
    private final long timeoutMs;
    private final boolean rejectOnTimeout;

    /** Members of the running batch: id to its rank in the batch (service order). */
    private final Map<Long, Integer> batch = new LinkedHashMap<>();
    private int nextRank;

    /**
     * @param config validated configuration
     * @param context the engine's limits
     */
    public DynamicBatchScheduler(DynamicConfig config, SchedulerContext context) {
        this.maxBatchSize = config.maxBatchSize;
        this.preferredSizes = config.preferredBatchSizes.stream().mapToInt(Integer::intValue).sorted().distinct().toArray();
        this.delayNanos = config.maxQueueDelayMs * 1_000_000L;
        this.priorityLevels = config.priorityLevels;
        this.defaultLevel = config.defaultPriorityLevel;
        this.maxQueueSize = config.maxQueueSize;
        this.timeoutMs = config.defaultTimeoutMs;
        this.timeoutNanos = config.defaultTimeoutMs * 1_000_000L;
        this.rejectOnTimeout = "reject".equals(config.timeoutAction);
    }

    /** Ids of the running batch, in service order (for tests and diagnostics). */
    public Set<Long> currentBatch() {
        return Set.copyOf(batch.keySet());
    }

    /** The priority level of a request: 1 is the highest; 0 when there are no levels. */
    int levelOf(SequenceView s) {
        if (priorityLevels == 0) {
            return 0;
        }
        int p = s.priority();
        return p == 0 ? defaultLevel : Math.clamp(p, 1, priorityLevels);
    }

    private record Queued(SequenceView s, int level, boolean delayed) {
    }

    private static final Comparator<Queued> QUEUE_ORDER = Comparator.comparingInt(Queued::level)
            .thenComparing(Queued::delayed)
            .thenComparingLong(q -> q.s().arrivalNanos())
            .thenComparingLong(q -> q.s().id());

    @Override
    public StepPlan schedule(SchedulerView view) {
        List<SequenceView> running = view.running();
        List<SequenceView> waiting = view.waiting();
        if (running.isEmpty() && waiting.isEmpty()) {
            batch.clear();
            return StepPlan.idle();
        }
        long now = view.nowNanos();
        EngineLimits limits = view.limits();
        KvCacheView kv = view.kvCache();
        StepPlan.Builder plan = StepPlan.builder();

        // members of the batch as the engine sees them now
        Map<Long, SequenceView> members = new HashMap<>();
        for (SequenceView s : running) {
            if (!batch.containsKey(s.id())) {
                batch.put(s.id(), nextRank++); // never expected: adopt whatever holds blocks
            }
            members.put(s.id(), s);
        }
        List<Queued> queue = new ArrayList<>();
        for (SequenceView s : waiting) {
            if (batch.containsKey(s.id())) {
                if (Capacity.neverFits(s, kv, limits) != null) {
                    batch.remove(s.id()); // outgrew the pool: it can never rejoin (and cannot be rejected, P8)
                } else {
                    members.put(s.id(), s);
                }
                continue;
            }
            String never = Capacity.neverFits(s, kv, limits);
            if (never != null) {
                if (s.state() == SequenceState.WAITING) {
                    plan.reject(s.id(), "request can never be scheduled: its " + never);
                }
                continue;
            }
            boolean timedOut = timeoutNanos > 0 && now - s.arrivalNanos() >= timeoutNanos;
            if (timedOut && rejectOnTimeout && s.state() == SequenceState.WAITING) {
                plan.reject(s.id(), "timed out in queue: waited " + (now - s.arrivalNanos()) / 1_000_000
                        + " ms without being batched (default-timeout-ms " + timeoutMs + ")");
                continue;
            }
            queue.add(new Queued(s, levelOf(s), timedOut));
        }
        batch.keySet().retainAll(members.keySet());

        long wakeAt = Long.MAX_VALUE;
        if (batch.isEmpty() && !queue.isEmpty()) {
            queue.sort(QUEUE_ORDER);
            int cap = Math.max(1, Math.min(Math.min(maxBatchSize, limits.maxSequencesPerStep()), limits.maxTokensPerStep()));
            int size = batchSize(queue, cap, now);
            if (size > 0) {
                form(queue, size, kv, members);
                queue.removeIf(q -> batch.containsKey(q.s().id()));
            } else {
                wakeAt = gatherDeadline(queue);
            }
        }
        rejectBeyondQueueSize(queue, plan);

        if (!batch.isEmpty()) {
            runBatch(plan, members, limits, kv);
        }
        if (plan.scheduledCount() == 0) {
            plan.wakeAt(wakeAt);
        }
        return plan.build();
    }

    /** How many of the queued requests to batch now; 0 to keep gathering. */
    private int batchSize(List<Queued> queue, int cap, long now) {
        int n = queue.size();
        if (n >= cap) {
            return cap;
        }
        for (int i = preferredSizes.length - 1; i >= 0; i--) {
            if (preferredSizes[i] <= n) {
                return preferredSizes[i];
            }
        }
        long oldest = Long.MAX_VALUE;
        for (Queued q : queue) {
            oldest = Math.min(oldest, q.s().arrivalNanos());
        }
        return now - oldest >= delayNanos ? n : 0;
    }

    /** When to look again while gathering: the oldest request's delay, or the next timeout. */
    private long gatherDeadline(List<Queued> queue) {
        long oldest = Long.MAX_VALUE;
        long nextTimeout = Long.MAX_VALUE;
        for (Queued q : queue) {
            oldest = Math.min(oldest, q.s().arrivalNanos());
            if (timeoutNanos > 0 && rejectOnTimeout && !q.delayed() && q.s().state() == SequenceState.WAITING) {
                nextTimeout = Math.min(nextTimeout, q.s().arrivalNanos() + timeoutNanos);
            }
        }
        return Math.min(oldest + delayNanos, nextTimeout);
    }

    /** Forms the batch from the first {@code size} queued requests, shrunk so their prompts fit the free blocks. */
    private void form(List<Queued> queue, int size, KvCacheView kv, Map<Long, SequenceView> members) {
        int free = kv.freeBlocks();
        for (int i = 0; i < size; i++) {
            SequenceView s = queue.get(i).s();
            int need = Capacity.blocksFor(s.totalLength(), kv.blockSize()) - s.allocatedBlocks();
            if (need > free && !batch.isEmpty()) {
                break;
            }
            free -= need;
            batch.put(s.id(), nextRank++);
            members.put(s.id(), s);
        }
    }

    private void rejectBeyondQueueSize(List<Queued> queue, StepPlan.Builder plan) {
        if (maxQueueSize <= 0 || queue.size() <= maxQueueSize) {
            return;
        }
        List<Queued> byArrival = new ArrayList<>(queue);
        byArrival.sort(Comparator.comparingLong((Queued q) -> q.s().arrivalNanos()).thenComparingLong(q -> q.s().id()));
        int kept = 0;
        for (Queued q : byArrival) {
            if (kept < maxQueueSize || q.s().state() != SequenceState.WAITING) {
                kept++;
            } else {
                plan.reject(q.s().id(), "queue full: " + maxQueueSize + " requests waiting (max-queue-size " + maxQueueSize + ")");
            }
        }
    }

    /** One step of the running batch: its running members, then its members still to (re)start. */
    private void runBatch(StepPlan.Builder plan, Map<Long, SequenceView> members, EngineLimits limits, KvCacheView kv) {
        List<SequenceView> run = new ArrayList<>();
        List<SequenceView> start = new ArrayList<>();
        for (Long id : batch.keySet()) {
            SequenceView s = members.get(id);
            (s.state() == SequenceState.RUNNING ? run : start).add(s);
        }
        Comparator<SequenceView> rank = Comparator.comparingInt(s -> batch.get(s.id()));
        run.sort(rank);
        start.sort(rank);
        int budget = limits.maxTokensPerStep();
        StepPacker packer = new StepPacker(limits, kv, budget, Math.min(limits.maxSequencesPerStep(), budget), true, 0);
        packer.packRunning(plan, run.toArray(new SequenceView[0]));
        for (SequenceView s : start) {
            if (!packer.admit(plan, s)) {
                break;
            }
        }
    }

    @Override
    public void onFinished(long sequenceId, FinishReason reason) {
        batch.remove(sequenceId);
    }
}
