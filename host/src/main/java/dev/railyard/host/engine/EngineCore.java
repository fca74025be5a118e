package dev.railyard.host.engine;

import dev.railyard.host.sampling.Sampler;
import dev.railyard.host.sampling.SamplingParams;
import dev.railyard.host.sampling.SpeculativeVerifier;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.InvalidPlanException;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.Rejection;
import dev.railyard.spi.scheduler.ScheduledWork;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerView;
import dev.railyard.spi.scheduler.SequenceState;
import dev.railyard.spi.scheduler.SequenceView;
import dev.railyard.spi.scheduler.StepOutcome;
import dev.railyard.spi.scheduler.StepPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The engine's single-threaded heart: admits requests, asks the scheduler for a plan, validates
 * and applies it, runs the backend step, samples, streams and finishes requests.
 *
 * <p>Not thread-safe: every method must be called from one thread. {@link Engine} runs it on its
 * own loop thread; simulations and tests may drive it directly with {@link #iterate()}.
 */
public final class EngineCore {

    private static final Logger LOG = Logger.getLogger(EngineCore.class.getName());

    private final Backend backend;
    private final BackendInfo info;
    private final Scheduler scheduler;
    private final String schedulerName;
    private final Clock clock;
    private final TextCodec codec;
    private final Set<Integer> eosTokenIds;
    private final EngineLimits limits;
    private final BlockManager blocks;
    private final PlanValidator validator;
    private final Sampler sampler = new Sampler();
    private final SpeculativeVerifier verifier = new SpeculativeVerifier(sampler);
    private final AtomicLong nextId;
    private final int maxWaiting;

    private final SequenceTable active = new SequenceTable();
    private final List<Sequence> waiting = new ArrayList<>();
    private final List<Sequence> running = new ArrayList<>();
    private final List<SequenceView> waitingView = Collections.unmodifiableList(waiting);
    private final List<SequenceView> runningView = Collections.unmodifiableList(running);
    private final List<EngineObserver> observers = new CopyOnWriteArrayList<>();
    private final View view = new View();

    private long steps;
    private long tokensComputed;
    private long tokensGenerated;
    private long drafted;
    private long accepted;
    private long invalidPlans;
    private int sequencesWithTimeouts;
    private final EnumMap<FinishReason, Long> finishedByReason = new EnumMap<>(FinishReason.class);

    /**
     * @param settings engine-level settings
     * @param codec the tokenizer adapter, or null for token-id-only operation
     * @param eosTokenIds tokens that end generation (unless a request ignores EOS)
     */
    public EngineCore(Backend backend, Scheduler scheduler, String schedulerName, EngineSettings settings, Clock clock,
                      TextCodec codec, Set<Integer> eosTokenIds) {
        this.backend = backend;
        this.info = backend.info();
        this.scheduler = scheduler;
        this.schedulerName = schedulerName;
        this.clock = clock;
        this.codec = codec;
        this.eosTokenIds = Set.copyOf(eosTokenIds);
        this.limits = limitsOf(info);
        this.blocks = new BlockManager(info.numBlocks(), info.blockSize());
        this.validator = new PlanValidator(schedulerName, limits, info.vocabSize());
        this.nextId = new AtomicLong(settings.firstRequestId());
        this.maxWaiting = settings.maxWaitingRequests();
    }

    /** The limits a backend imposes on plans. */
    public static EngineLimits limitsOf(BackendInfo info) {
        return new EngineLimits(info.maxTokensPerStep(), info.maxSequencesPerStep(), info.maxContextLength(),
                info.has(dev.railyard.spi.backend.BackendCapability.CHUNKED_PREFILL),
                info.has(dev.railyard.spi.backend.BackendCapability.MULTI_POSITION_LOGITS));
    }

    public EngineLimits limits() {
        return limits;
    }

    public BackendInfo backendInfo() {
        return info;
    }

    public Clock clock() {
        return clock;
    }

    public String schedulerName() {
        return schedulerName;
    }

    public void addObserver(EngineObserver o) {
        observers.add(o);
    }

    /** Allocates the next request id; thread-safe. */
    long newId() {
        return nextId.getAndIncrement();
    }

    /**
     * Validates and admits a request into the waiting queue.
     *
     * @throws InvalidRequestException when the request is malformed; nothing changes
     */
    public GenerationHandle submit(GenerationRequest request, TokenListener listener) {
        Admission a = validate(request, waiting.size());
        GenerationHandle handle = new GenerationHandle(newId(), this::cancel, listener == null);
        enqueue(handle, request, a, listener);
        return handle;
    }

    /**
     * Checks a request without touching engine state; thread-safe.
     *
     * @param waitingNow requests waiting now, for the queue limit
     */
    Admission validate(GenerationRequest request, int waitingNow) {
        return RequestValidator.validate(request, codec, info, maxWaiting, waitingNow);
    }

    /** Puts a validated request into the waiting queue; engine thread only. */
    void enqueue(GenerationHandle handle, GenerationRequest request, Admission a, TokenListener listener) {
        long id = handle.id();
        long now = clock.nanoTime();
        Sequence s = new Sequence(id, request, a.prompt(), a.sampling(), a.maxTokens(), now,
                listener == null ? TokenListener.NONE : listener, handle, codec);
        active.put(id, s);
        waiting.add(s);
        if (request.timeoutNanos().isPresent()) {
            sequencesWithTimeouts++;
        }
        notifyObservers(o -> o.onSubmitted(id), "onSubmitted");
    }

    /** Sequences waiting now. */
    public int waitingCount() {
        return waiting.size();
    }

    /** Cancels a request if it is still active; frees its blocks now. */
    public void cancel(long id) {
        Sequence s = active.get(id);
        if (s != null && !s.finished) {
            finish(s, FinishReason.CANCELLED, null);
        }
    }

    /** Cancels every active request (shutdown). */
    public void cancelAll(FinishReason reason, String message) {
        for (Sequence s : active.values()) {
            finish(s, reason, message);
        }
    }

    public boolean isIdle() {
        return active.isEmpty();
    }

    public int activeCount() {
        return active.size();
    }

    /** Runs one iteration: timeouts, scheduling, one backend step and its results. */
    public IterationResult iterate() {
        long start = clock.nanoTime();
        long wallStart = System.nanoTime();
        expireTimeouts(start);
        if (active.isEmpty()) {
            return new IterationResult(false, Long.MAX_VALUE, true);
        }
        view.now = start;
        StepPlan plan;
        try {
            plan = scheduler.schedule(view);
            if (plan == null) {
                throw new InvalidPlanException(schedulerName, dev.railyard.spi.scheduler.PlanRule.P1_KNOWN_SEQUENCE,
                        "schedule() returned null; return StepPlan.idle() for no work");
            }
            validator.validate(plan, active, blocks);
        } catch (InvalidPlanException e) {
            invalidPlans++;
            LOG.warning(e.getMessage());
            failAll("engine refused the scheduler's plan: " + e.getMessage());
            return new IterationResult(false, Long.MAX_VALUE, active.isEmpty());
        } catch (RuntimeException e) {
            invalidPlans++;
            LOG.log(Level.WARNING, "scheduler '" + schedulerName + "' failed", e);
            failAll("scheduler '" + schedulerName + "' failed: " + e);
            return new IterationResult(false, Long.MAX_VALUE, active.isEmpty());
        }
        for (Rejection r : plan.rejected()) {
            finish(active.get(r.sequenceId()), FinishReason.REJECTED, r.reason());
        }
        for (long id : plan.preempted()) {
            preempt(active.get(id));
        }
        if (plan.scheduled().isEmpty()) {
            return new IterationResult(false, plan.wakeAtNanos(), active.isEmpty());
        }
        runStep(plan.scheduled(), start, wallStart);
        return new IterationResult(true, Long.MAX_VALUE, active.isEmpty());
    }

    private void runStep(List<ScheduledWork> work, long start, long wallStart) {
        int n = work.size();
        Sequence[] seqs = new Sequence[n];
        int totalTokens = 0;
        int logitRows = 0;
        for (int i = 0; i < n; i++) {
            ScheduledWork w = work.get(i);
            Sequence s = active.get(w.sequenceId());
            seqs[i] = s;
            totalTokens += w.numTokens();
            if (w.draft() != null) {
                logitRows += w.numTokens();
            } else if (s.computed + w.numTokens() == s.totalLength()) {
                logitRows++;
            }
        }
        int[] tokens = new int[totalTokens];
        int[] positions = new int[totalTokens];
        int[] logitIndices = new int[logitRows];
        List<SequenceSlice> slices = new ArrayList<>(n);
        int offset = 0;
        int row = 0;
        int prefillTokens = 0;
        int draftTokens = 0;
        for (int i = 0; i < n; i++) {
            ScheduledWork w = work.get(i);
            Sequence s = seqs[i];
            admitToRunning(s, start);
            int count = w.numTokens();
            growBlocks(s, s.computed + count);
            if (w.draft() != null) {
                tokens[offset] = s.tokens.get(s.computed);
                System.arraycopy(w.draft().tokens(), 0, tokens, offset + 1, w.draft().length());
                for (int j = 0; j < count; j++) {
                    logitIndices[row++] = offset + j;
                }
                draftTokens += w.draft().length();
            } else {
                s.tokens.copyTo(s.computed, tokens, offset, count);
                if (s.computed + count == s.totalLength()) {
                    logitIndices[row++] = offset + count - 1;
                }
                if (s.pendingTokens() > 1) {
                    prefillTokens += count;
                }
            }
            for (int j = 0; j < count; j++) {
                positions[offset + j] = s.computed + j;
            }
            slices.add(new SequenceSlice(s.id, offset, count, s.computed, s.blockTable.backingArray()));
            offset += count;
        }
        long hostBefore = System.nanoTime() - wallStart;
        long backendStart = System.nanoTime();
        Logits logits;
        try {
            logits = backend.execute(new StepBatch(tokens, positions, slices, logitIndices));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "backend '" + info.name() + "' failed a step", e);
            for (Sequence s : seqs) {
                finish(s, FinishReason.ERROR, "backend '" + info.name() + "' failed: " + e.getMessage());
            }
            return;
        }
        long backendNanos = System.nanoTime() - backendStart;
        long hostAfterStart = System.nanoTime();
        long now = clock.nanoTime();
        List<StepOutcome> outcomes = new ArrayList<>(n);
        List<Sequence> done = new ArrayList<>();
        int emitted = 0;
        row = 0;
        for (int i = 0; i < n; i++) {
            ScheduledWork w = work.get(i);
            Sequence s = seqs[i];
            int before = s.generatedCount();
            int acceptedNow = 0;
            if (w.draft() != null) {
                acceptedNow = applyDraft(s, w, logits, row, now);
                row += w.numTokens();
            } else {
                s.computed += w.numTokens();
                if (s.computed == s.totalLength()) {
                    int token = sampler.sample(logits.data(), logits.rowOffset(row++), logits.vocabSize(), s.sampling,
                            s.random, historyOf(s), s.totalLength());
                    appendToken(s, token, now);
                }
            }
            int produced = s.generatedCount() - before;
            emitted += produced;
            outcomes.add(new StepOutcome(s.id, w.numTokens(), w.draftLength(), acceptedNow, produced));
            if (s.finishReason != null) {
                done.add(s);
            }
        }
        steps++;
        tokensComputed += totalTokens;
        tokensGenerated += emitted;
        RuntimeException schedulerFailure = null;
        try {
            scheduler.onStepCompleted(outcomes);
        } catch (RuntimeException e) {
            schedulerFailure = e;
        }
        for (Sequence s : done) {
            finish(s, s.finishReason, null);
        }
        if (schedulerFailure != null) {
            // the scheduler missed this step's outcomes, so its view of the others is wrong now
            LOG.log(Level.WARNING, "scheduler '" + schedulerName + "' failed in onStepCompleted", schedulerFailure);
            failAll("scheduler '" + schedulerName + "' failed: " + schedulerFailure);
        }
        long hostNanos = hostBefore + (System.nanoTime() - hostAfterStart);
        StepRecord record = new StepRecord(start, backendNanos, hostNanos, n, totalTokens, prefillTokens, draftTokens, emitted,
                blocks.usedBlocks(), blocks.totalBlocks(), waiting.size(), running.size());
        notifyObservers(o -> o.onStep(record), "onStep");
    }

    /** Verifies a draft, appends what it yields, frees blocks of rejected positions; returns drafts accepted. */
    private int applyDraft(Sequence s, ScheduledWork w, Logits logits, int row, long now) {
        int k = w.draft().length();
        SpeculativeVerifier.Verdict verdict = verifier.verify(logits.data(), logits.rowOffset(row), logits.vocabSize(),
                w.draft(), s.sampling, s.random, historyOf(s), s.totalLength());
        s.draftedTokens += k;
        s.acceptedDraftTokens += verdict.acceptedDrafts();
        drafted += k;
        accepted += verdict.acceptedDrafts();
        s.computed += 1 + verdict.acceptedDrafts();
        for (int t : verdict.emitted()) {
            appendToken(s, t, now);
            if (s.finishReason != null) {
                break;
            }
        }
        s.computed = Math.min(s.computed, s.totalLength());
        shrinkBlocks(s);
        return verdict.acceptedDrafts();
    }

    private int[] historyOf(Sequence s) {
        return s.sampling.repetitionPenalty() == 1.0 ? null : s.tokens.toArray();
    }

    private void appendToken(Sequence s, int token, long now) {
        s.tokens.add(token);
        s.tokenTimes.add(now);
        String delta = null;
        if (s.detokenizer != null) {
            s.text.append(s.detokenizer.next(token));
            delta = StopStrings.releasable(s);
        }
        safeOnToken(s, token, delta);
        if (s.finishReason == null) {
            s.finishReason = stopReason(s, token);
        }
    }

    private FinishReason stopReason(Sequence s, int token) {
        if (s.stopStringHit) {
            return FinishReason.STOP;
        }
        if (!s.request.ignoreEos() && eosTokenIds.contains(token)) {
            return FinishReason.STOP;
        }
        if (s.generatedCount() >= s.maxTokens || s.totalLength() >= info.maxContextLength()) {
            return FinishReason.LENGTH;
        }
        return null;
    }

    private void safeOnToken(Sequence s, int token, String delta) {
        s.handle.emitToken(token, delta);
        try {
            s.listener.onToken(token, delta);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "token listener of request " + s.id + " failed", e);
        }
    }

    private void admitToRunning(Sequence s, long now) {
        if (s.state != SequenceState.RUNNING) {
            waiting.remove(s);
            running.add(s);
            s.state = SequenceState.RUNNING;
            if (s.firstScheduledNanos < 0) {
                s.firstScheduledNanos = now;
            }
        }
    }

    private void growBlocks(Sequence s, int tokens) {
        int need = blocks.blocksFor(tokens);
        while (s.blockTable.size() < need) {
            s.blockTable.add(blocks.allocate());
        }
    }

    /** Frees blocks past those needed by the computed tokens (after rejected drafts). */
    private void shrinkBlocks(Sequence s) {
        int keep = blocks.blocksFor(s.computed);
        for (int i = s.blockTable.size() - 1; i >= keep; i--) {
            blocks.release(s.blockTable.get(i));
        }
        if (s.blockTable.size() > keep) {
            s.blockTable.truncate(keep);
        }
    }

    private void releaseBlocks(Sequence s) {
        for (int i = 0; i < s.blockTable.size(); i++) {
            blocks.release(s.blockTable.get(i));
        }
        s.blockTable.clear();
    }

    private void preempt(Sequence s) {
        releaseBlocks(s);
        s.computed = 0;
        s.preemptions++;
        s.state = SequenceState.PREEMPTED;
        running.remove(s);
        int at = Collections.binarySearch(waiting, s, (a, b) -> Long.compare(a.id, b.id));
        waiting.add(at < 0 ? -at - 1 : at, s);
    }

    private void expireTimeouts(long now) {
        if (sequencesWithTimeouts == 0) {
            return;
        }
        List<Sequence> expired = null;
        for (Sequence s : active.values()) {
            if (s.request.timeoutNanos().isPresent() && now - s.arrivalNanos >= s.request.timeoutNanos().getAsLong()) {
                if (expired == null) {
                    expired = new ArrayList<>();
                }
                expired.add(s);
            }
        }
        if (expired != null) {
            for (Sequence s : expired) {
                finish(s, FinishReason.TIMEOUT, "request timed out after " + s.request.timeoutNanos().getAsLong() / 1_000_000 + " ms");
            }
        }
    }

    private void failAll(String message) {
        for (Sequence s : active.values()) {
            finish(s, FinishReason.ERROR, message);
        }
    }

    private void finish(Sequence s, FinishReason reason, String error) {
        if (s.finished) {
            return;
        }
        s.finished = true;
        if (s.request.timeoutNanos().isPresent()) {
            sequencesWithTimeouts--;
        }
        releaseBlocks(s);
        active.remove(s.id);
        if (s.state == SequenceState.RUNNING) {
            running.remove(s);
        } else {
            waiting.remove(s);
        }
        String text = null;
        if (s.text != null) {
            if (!s.stopStringHit) {
                s.text.append(s.detokenizer.flush());
            }
            String rest = StopStrings.releaseAll(s);
            if (!rest.isEmpty()) {
                try {
                    s.listener.onToken(-1, rest);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "token listener of request " + s.id + " failed", e);
                }
                s.handle.emitTextTail(rest);
            }
            text = s.text.toString();
        }
        finishedByReason.merge(reason, 1L, Long::sum);
        GenerationResult result = new GenerationResult(s.id, s.tokens.copyOfRange(0, s.promptLength),
                s.tokens.copyOfRange(s.promptLength, s.tokens.size()), text, reason, error, timingsOf(s), s.sampling.seed(),
                s.draftedTokens, s.acceptedDraftTokens, s.preemptions);
        try {
            scheduler.onFinished(s.id, reason);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "scheduler '" + schedulerName + "' failed in onFinished", e);
        }
        try {
            s.listener.onComplete(result);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "listener of request " + s.id + " failed", e);
        }
        s.handle.complete(result);
        notifyObservers(o -> o.onFinished(result), "onFinished");
    }

    /** Calls every observer; one that throws is logged and never stops the engine. */
    private void notifyObservers(java.util.function.Consumer<EngineObserver> call, String method) {
        for (EngineObserver o : observers) {
            try {
                call.accept(o);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "engine observer failed in " + method, e);
            }
        }
    }

    private RequestTimings timingsOf(Sequence s) {
        long end = clock.nanoTime();
        int n = s.tokenTimes.size();
        long queue = s.firstScheduledNanos < 0 ? end - s.arrivalNanos : s.firstScheduledNanos - s.arrivalNanos;
        long ttft = n == 0 ? -1 : s.tokenTimes.get(0) - s.arrivalNanos;
        long tpot = n < 2 ? -1 : (s.tokenTimes.get(n - 1) - s.tokenTimes.get(0)) / (n - 1);
        long[] itl = new long[Math.max(0, n - 1)];
        for (int i = 1; i < n; i++) {
            itl[i - 1] = s.tokenTimes.get(i) - s.tokenTimes.get(i - 1);
        }
        return new RequestTimings(s.arrivalNanos, queue, ttft, tpot, end - s.arrivalNanos, itl);
    }

    /** Counters and gauges now. */
    public EngineStats stats() {
        return new EngineStats(waiting.size(), running.size(), blocks.usedBlocks(), blocks.totalBlocks(), steps, tokensComputed,
                tokensGenerated, drafted, accepted, new EnumMap<>(finishedByReason), invalidPlans);
    }

    /** KV blocks in use (0 when idle unless something leaks). */
    public int usedBlocks() {
        return blocks.usedBlocks();
    }

    private final class View implements SchedulerView, KvCacheView {
        long now;

        @Override
        public long nowNanos() {
            return now;
        }

        @Override
        public List<SequenceView> waiting() {
            return waitingView;
        }

        @Override
        public List<SequenceView> running() {
            return runningView;
        }

        @Override
        public KvCacheView kvCache() {
            return this;
        }

        @Override
        public EngineLimits limits() {
            return limits;
        }

        @Override
        public int blockSize() {
            return blocks.blockSize();
        }

        @Override
        public int totalBlocks() {
            return blocks.totalBlocks();
        }

        @Override
        public int freeBlocks() {
            return blocks.freeBlocks();
        }
    }
}
