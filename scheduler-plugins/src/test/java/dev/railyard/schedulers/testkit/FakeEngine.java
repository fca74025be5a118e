package dev.railyard.schedulers.testkit;

import dev.railyard.spi.scheduler.DraftProposal;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.PlanRule;
import dev.railyard.spi.scheduler.Rejection;
import dev.railyard.spi.scheduler.SamplingView;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepOutcome;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A host stand-in for scheduler tests: it keeps sequences and KV blocks the way the host's
 * engine core does, checks every {@link PlanRule} on every plan (failing the test on a broken
 * one) and applies plans in the host's order: rejections, preemptions, then the step. A step
 * computes the scheduled tokens; a sequence whose computed length reaches its total gets its next
 * token from a deterministic {@link TokenModel}; drafts are verified greedily against the model.
 * Time is virtual.
 */
public final class FakeEngine {

    /** The target model: the next token of a sequence. */
    @FunctionalInterface
    public interface TokenModel {
        int next(FakeSequence s);
    }

    /** What the engine looked like when a plan was made, and the plan. */
    public record Step(long iteration, long nowNanos, StepPlan plan, Map<Long, Snapshot> before, List<Long> runningOrder,
                       List<Long> waitingOrder, int freeBlocks) {
    }

    /** One sequence before a plan. */
    public record Snapshot(long id, SequenceState state, int computed, int total, int generated, int allocated, int priority,
                           long arrivalNanos, int maxTokens) {
        public int pending() {
            return total - computed;
        }
    }

    private final Scheduler scheduler;
    private final EngineLimits limits;
    private final int blockSize;
    private final int totalBlocks;
    private final int vocabSize;
    private int freeBlocks;
    private long now;
    private long nextId;
    private long iteration;
    private long stepNanos = 1_000_000;
    private TokenModel model;
    private final List<FakeSequence> waiting = new ArrayList<>();
    private final List<FakeSequence> running = new ArrayList<>();
    private final Map<Long, FakeSequence> active = new HashMap<>();
    private final Map<Long, FakeSequence> all = new LinkedHashMap<>();
    private final PriorityQueue<Pending> arrivals = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at)
            : Long.compare(a.order, b.order));
    private final List<Consumer<Step>> stepListeners = new ArrayList<>();
    private final List<Long> finishOrder = new ArrayList<>();
    private long arrivalOrder;
    private long steps;
    private long idlePlans;
    private final View view = new View();

    private record Pending(long at, long order, int[] prompt, int maxTokens, int priority, SamplingView sampling,
                           Consumer<FakeSequence> onArrival) {
    }

    public FakeEngine(Scheduler scheduler, EngineLimits limits, int blockSize, int totalBlocks) {
        this(scheduler, limits, blockSize, totalBlocks, 1000);
    }

    public FakeEngine(Scheduler scheduler, EngineLimits limits, int blockSize, int totalBlocks, int vocabSize) {
        this.scheduler = scheduler;
        this.limits = limits;
        this.blockSize = blockSize;
        this.totalBlocks = totalBlocks;
        this.freeBlocks = totalBlocks;
        this.vocabSize = vocabSize;
        this.model = s -> (int) Math.floorMod(s.id * 7919L + s.size * 104729L + s.tokens[s.size - 1] * 31L, vocabSize);
    }

    public FakeEngine model(TokenModel m) {
        this.model = m;
        return this;
    }

    public FakeEngine stepNanos(long nanos) {
        this.stepNanos = nanos;
        return this;
    }

    public FakeEngine onStep(Consumer<Step> listener) {
        stepListeners.add(listener);
        return this;
    }

    public long now() {
        return now;
    }

    public void advanceTo(long nanos) {
        now = Math.max(now, nanos);
    }

    public int freeBlocks() {
        return freeBlocks;
    }

    public long steps() {
        return steps;
    }

    public long iterations() {
        return iteration;
    }

    public List<Long> finishOrder() {
        return finishOrder;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** Every sequence ever submitted, in id order. */
    public List<FakeSequence> sequences() {
        return new ArrayList<>(all.values());
    }

    public FakeSequence sequence(long id) {
        return all.get(id);
    }

    public boolean isIdle() {
        return active.isEmpty() && arrivals.isEmpty();
    }

    /** Submits a greedy request now. */
    public FakeSequence submit(int[] prompt, int maxTokens, int priority) {
        return submit(prompt, maxTokens, priority, Sampling.greedy());
    }

    public FakeSequence submit(int[] prompt, int maxTokens, int priority, SamplingView sampling) {
        if (prompt.length < 1 || prompt.length >= limits.maxContextLength()) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens");
        }
        int capped = Math.min(maxTokens, limits.maxContextLength() - prompt.length);
        FakeSequence s = new FakeSequence(nextId++, prompt, capped, priority, now, sampling);
        active.put(s.id, s);
        all.put(s.id, s);
        waiting.add(s);
        return s;
    }

    /** A request that arrives at {@code atNanos}. */
    public void submitAt(long atNanos, int[] prompt, int maxTokens, int priority) {
        submitAt(atNanos, prompt, maxTokens, priority, Sampling.greedy(), null);
    }

    public void submitAt(long atNanos, int[] prompt, int maxTokens, int priority, SamplingView sampling, Consumer<FakeSequence> onArrival) {
        arrivals.add(new Pending(atNanos, arrivalOrder++, prompt, maxTokens, priority, sampling, onArrival));
    }

    private void deliverArrivals() {
        while (!arrivals.isEmpty() && arrivals.peek().at <= now) {
            Pending p = arrivals.poll();
            FakeSequence s = submit(p.prompt, p.maxTokens, p.priority, p.sampling);
            if (p.onArrival != null) {
                p.onArrival.accept(s);
            }
        }
    }

    /** Asks the scheduler for a plan on the current state without applying it (even when nothing is active). */
    public StepPlan peek() {
        view.nowNanos = now;
        return scheduler.schedule(view);
    }

    /** Cancels a request (as a client would); the scheduler hears of it through onFinished. */
    public void cancel(long id) {
        FakeSequence s = active.get(id);
        if (s != null) {
            finish(s, FinishReason.CANCELLED);
        }
    }

    /**
     * One host iteration: arrivals due, schedule, validate, apply.
     *
     * @return the plan, or null when nothing was active
     */
    public StepPlan iterate() {
        deliverArrivals();
        if (active.isEmpty()) {
            return null;
        }
        iteration++;
        Map<Long, Snapshot> before = new HashMap<>();
        for (FakeSequence s : active.values()) {
            before.put(s.id, new Snapshot(s.id, s.state, s.computed, s.size, s.generatedCount(), s.allocated, s.priority,
                    s.arrivalNanos, s.maxTokens));
        }
        List<Long> runningOrder = running.stream().map(s -> s.id).toList();
        List<Long> waitingOrder = waiting.stream().map(s -> s.id).toList();
        int freeBefore = freeBlocks;
        view.nowNanos = now;
        StepPlan plan = scheduler.schedule(view);
        if (plan == null) {
            throw new AssertionError("schedule() returned null");
        }
        validate(plan);
        Step step = new Step(iteration, now, plan, before, runningOrder, waitingOrder, freeBefore);
        for (Consumer<Step> l : stepListeners) {
            l.accept(step);
        }
        for (Rejection r : plan.rejected()) {
            FakeSequence s = active.get(r.sequenceId());
            s.rejection = r.reason();
            finish(s, FinishReason.REJECTED);
        }
        for (long id : plan.preempted()) {
            preempt(active.get(id));
        }
        if (plan.scheduled().isEmpty()) {
            if (plan.rejected().isEmpty() && plan.preempted().isEmpty()) {
                idlePlans++;
            }
            return plan;
        }
        runStep(plan.scheduled());
        return plan;
    }

    /**
     * Runs until every request (submitted and future) has finished, honouring wake-up times and
     * arrivals in virtual time.
     *
     * @throws AssertionError when the scheduler stalls (idle plan with work and no event ahead)
     *     or more than {@code maxIterations} iterations pass
     */
    public void runToCompletion(long maxIterations) {
        long start = iteration;
        int emptyInARow = 0;
        while (true) {
            deliverArrivals();
            if (active.isEmpty()) {
                if (arrivals.isEmpty()) {
                    return;
                }
                now = Math.max(now, arrivals.peek().at);
                continue;
            }
            if (iteration - start > maxIterations) {
                throw new AssertionError("no completion after " + maxIterations + " iterations; active: " + active.values());
            }
            StepPlan plan = iterate();
            if (plan.scheduled().isEmpty()) {
                if (!plan.rejected().isEmpty() || !plan.preempted().isEmpty()) {
                    if (++emptyInARow > 1000) {
                        throw new AssertionError("scheduler only preempts/rejects without stepping; active: " + active.values());
                    }
                    continue;
                }
                long next = plan.wakeAtNanos();
                if (!arrivals.isEmpty()) {
                    next = Math.min(next, arrivals.peek().at);
                }
                if (next == Long.MAX_VALUE) {
                    throw new AssertionError("scheduler stalled: idle plan with " + active.size()
                            + " active sequences and nothing ahead; active: " + active.values());
                }
                if (next <= now && plan.wakeAtNanos() <= now) {
                    if (++emptyInARow > 1000) {
                        throw new AssertionError("scheduler keeps asking to wake at " + plan.wakeAtNanos() + " <= now " + now);
                    }
                }
                now = Math.max(now, next);
            } else {
                emptyInARow = 0;
            }
        }
    }

    private void validate(StepPlan plan) {
        Set<Long> seen = new HashSet<>();
        int freed = 0;
        for (Rejection r : plan.rejected()) {
            FakeSequence s = known(r.sequenceId(), seen);
            check(s.state == SequenceState.WAITING, PlanRule.P8_REJECT_WAITING_ONLY, "rejected " + s);
            check(r.reason() != null && !r.reason().isBlank(), PlanRule.P8_REJECT_WAITING_ONLY, "blank rejection reason");
        }
        for (long id : plan.preempted()) {
            FakeSequence s = known(id, seen);
            check(s.state == SequenceState.RUNNING, PlanRule.P7_PREEMPT_RUNNING_ONLY, "preempted " + s);
            freed += s.allocated;
        }
        check(plan.scheduled().size() <= limits.maxSequencesPerStep(), PlanRule.P5_SEQUENCE_BUDGET,
                plan.scheduled().size() + " sequences");
        long tokens = 0;
        long blocksNeeded = 0;
        for (ScheduledWork w : plan.scheduled()) {
            FakeSequence s = known(w.sequenceId(), seen);
            int pending = s.size - s.computed;
            int n = w.numTokens();
            if (w.draft() == null) {
                check(n >= 1 && n <= pending, PlanRule.P3_TOKEN_COUNT, n + " tokens for " + s);
                check(limits.chunkedPrefill() || n == pending, PlanRule.P9_WHOLE_PREFILL, n + " tokens for " + s);
            } else {
                int k = w.draft().length();
                check(n == 1 + k, PlanRule.P3_TOKEN_COUNT, n + " tokens with a draft of " + k);
                check(pending == 1 && s.state == SequenceState.RUNNING, PlanRule.P10_DRAFT_ON_DECODE, "draft for " + s);
                check(limits.multiPositionLogits(), PlanRule.P10_DRAFT_ON_DECODE, "no multi-position logits");
                for (int t : w.draft().tokens()) {
                    check(t >= 0 && t < vocabSize, PlanRule.P10_DRAFT_ON_DECODE, "draft token " + t);
                }
                if (w.draft().probabilities() != null) {
                    for (float[] q : w.draft().probabilities()) {
                        check(q.length >= vocabSize, PlanRule.P10_DRAFT_ON_DECODE, "q of " + q.length + " entries");
                    }
                }
            }
            check(s.computed + n <= limits.maxContextLength(), PlanRule.P11_CONTEXT_LENGTH, s + " + " + n);
            tokens += n;
            blocksNeeded += Math.max(0, Math.ceilDiv(s.computed + n, blockSize) - s.allocated);
        }
        check(tokens <= limits.maxTokensPerStep(), PlanRule.P4_TOKEN_BUDGET, tokens + " tokens, limit " + limits.maxTokensPerStep());
        check(blocksNeeded <= freeBlocks + freed, PlanRule.P6_KV_CAPACITY, "needs " + blocksNeeded + " blocks, "
                + freeBlocks + " free + " + freed + " preempted");
    }

    private FakeSequence known(long id, Set<Long> seen) {
        FakeSequence s = active.get(id);
        check(s != null, PlanRule.P1_KNOWN_SEQUENCE, "sequence " + id + " is not active");
        check(seen.add(id), PlanRule.P2_NO_DUPLICATE, "sequence " + id + " twice");
        return s;
    }

    private void check(boolean ok, PlanRule rule, String detail) {
        if (!ok) {
            throw new AssertionError("plan broke " + rule + " at iteration " + iteration + ": " + detail);
        }
    }

    private void runStep(List<ScheduledWork> work) {
        steps++;
        int tokens = 0;
        for (ScheduledWork w : work) {
            FakeSequence s = active.get(w.sequenceId());
            if (s.state != SequenceState.RUNNING) {
                waiting.remove(s);
                running.add(s);
                s.state = SequenceState.RUNNING;
                if (s.firstScheduledIteration < 0) {
                    s.firstScheduledIteration = iteration;
                    s.firstScheduledNanos = now;
                }
            }
            int need = Math.ceilDiv(s.computed + w.numTokens(), blockSize) - s.allocated;
            if (need > 0) {
                freeBlocks -= need;
                s.allocated += need;
                if (freeBlocks < 0) {
                    throw new AssertionError("KV pool overdrawn");
                }
            }
            tokens += w.numTokens();
        }
        now += stepNanos;
        List<StepOutcome> outcomes = new ArrayList<>();
        List<FakeSequence> done = new ArrayList<>();
        for (ScheduledWork w : work) {
            FakeSequence s = active.get(w.sequenceId());
            int before = s.generatedCount();
            int acceptedNow = 0;
            if (w.draft() != null) {
                DraftProposal d = w.draft();
                s.computed += 1;
                for (int i = 0; i < d.length() && s.finishReason == null; i++) {
                    int truth = model.next(s);
                    if (truth != d.tokens()[i]) {
                        break;
                    }
                    acceptedNow++;
                    emit(s, truth);
                    s.computed++;
                }
                if (s.finishReason == null) {
                    emit(s, model.next(s));
                }
                s.computed = Math.min(s.computed, s.size);
                s.drafted += d.length();
                s.accepted += acceptedNow;
                int keep = Math.ceilDiv(s.computed, blockSize);
                if (s.allocated > keep) {
                    freeBlocks += s.allocated - keep;
                    s.allocated = keep;
                }
            } else {
                s.computed += w.numTokens();
                if (s.computed == s.size) {
                    emit(s, model.next(s));
                }
            }
            outcomes.add(new StepOutcome(s.id, w.numTokens(), w.draftLength(), acceptedNow, s.generatedCount() - before));
            if (s.finishReason != null) {
                done.add(s);
            }
        }
        scheduler.onStepCompleted(outcomes);
        for (FakeSequence s : done) {
            finish(s, s.finishReason);
        }
    }

    private void emit(FakeSequence s, int token) {
        s.append(token);
        if (s.firstTokenNanos < 0) {
            s.firstTokenNanos = now;
        }
        s.lastTokenNanos = now;
        if (s.generatedCount() >= s.maxTokens || s.size >= limits.maxContextLength()) {
            s.finishReason = FinishReason.LENGTH;
        }
    }

    private void preempt(FakeSequence s) {
        freeBlocks += s.allocated;
        s.allocated = 0;
        s.computed = 0;
        s.preemptions++;
        s.state = SequenceState.PREEMPTED;
        running.remove(s);
        int at = Collections.binarySearch(waiting.stream().map(x -> x.id).toList(), s.id);
        waiting.add(at < 0 ? -at - 1 : at, s);
    }

    private void finish(FakeSequence s, FinishReason reason) {
        s.finishReason = reason;
        s.finishedIteration = iteration;
        freeBlocks += s.allocated;
        s.allocated = 0;
        active.remove(s.id);
        running.remove(s);
        waiting.remove(s);
        finishOrder.add(s.id);
        scheduler.onFinished(s.id, reason);
    }

    private final class View implements SchedulerView, KvCacheView {
        long nowNanos;

        @Override public long nowNanos() { return nowNanos; }
        @Override public List<SequenceView> waiting() { return Collections.unmodifiableList(new ArrayList<>(waiting)); }
        @Override public List<SequenceView> running() { return Collections.unmodifiableList(new ArrayList<>(running)); }
        @Override public KvCacheView kvCache() { return this; }
        @Override public EngineLimits limits() { return limits; }
        @Override public int blockSize() { return blockSize; }
        @Override public int totalBlocks() { return totalBlocks; }
        @Override public int freeBlocks() { return freeBlocks; }
    }
}
