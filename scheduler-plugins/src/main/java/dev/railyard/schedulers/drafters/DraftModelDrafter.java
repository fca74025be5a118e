package dev.railyard.schedulers.drafters;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.scheduler.DraftProposal;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.SamplingView;
import dev.railyard.spi.scheduler.SequenceView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Proposes draft tokens with a smaller model, run on its own {@link Backend} with its own KV pool.
 *
 * <p>The drafter owns that pool: a block allocator, and per sequence a block table, the tokens it
 * fed the draft model and how many positions the draft model has computed. Each {@link #propose}
 * call:
 * <ol>
 *   <li>rolls each sequence back to the longest prefix of what it fed that still matches the
 *       sequence (draft tokens the target rejected, or never saw, fall off), freeing blocks beyond
 *       it: paged KV content past that point is simply overwritten later;</li>
 *   <li>catches the draft model up, in one batched step (more if the draft backend's step limits
 *       require), on the tokens it has not seen, the pending token included, taking logits at
 *       each sequence's last position: they give the first draft token;</li>
 *   <li>runs batched decode steps, one token per sequence per step, feeding each draft token to
 *       get the next, until every sequence has its {@code k} tokens ({@code k - 1} steps).</li>
 * </ol>
 * Greedy requests get the draft's argmax (no distributions); sampled requests draw from the
 * draft's distribution under the request's temperature, top-k, top-p and min-p, with a random
 * stream seeded by the request's seed and the position, and their proposals carry those
 * distributions ({@code q}) for exact verification.
 *
 * <p>{@link #prefill} feeds the draft model a prompt while the target processes it (one batched
 * step per call at most), so that the first {@code propose} only catches up on the first
 * generated token.
 *
 * <p>When the draft pool runs short, sequences not in the current call lose their draft state
 * first (least recently used first); a sequence that still does not fit gets fewer draft tokens,
 * or none. Draft tokens stay within the target's vocabulary and the draft model's context.
 */
public final class DraftModelDrafter implements Drafter {

    private final Backend backend;
    private final int targetVocab;
    private final double confidenceThreshold;
    private final int blockSize;
    private final int maxStepTokens;
    private final int maxStepSequences;
    private final int maxContext;
    private final int[] freeStack;
    private int freeTop;
    private final Map<Long, State> states = new HashMap<>();
    private long calls;
    private long steps;
    private boolean closed;

    /** One sequence's draft state. */
    private static final class State {
        final long id;
        /** Tokens fed to the draft model, by position: valid for [0, computed). */
        int[] fed = new int[64];
        int computed;
        /** Positions [0, verified) are known to equal the sequence's own tokens. */
        int verified;
        int[] blocks = new int[8];
        int numBlocks;
        long lastUsed;

        State(long id) {
            this.id = id;
        }
    }

    /** A sequence being drafted in this call. */
    private static final class Job {
        final int index;
        final SequenceView s;
        final State st;
        /** The sequence's length: draft token r sits at position {@code total + r}. */
        final int total;
        /** Feeding stops before this position: {@code total}, or less for a prompt fed in part. */
        final int feedEnd;
        /** Draft tokens wanted; lowered when the draft stops early on a token it doubts. */
        int k;
        int pos;
        final int[] tokens;
        float[][] q;

        Job(int index, SequenceView s, State st, int k) {
            this(index, s, st, k, s.totalLength());
        }

        Job(int index, SequenceView s, State st, int k, int feedEnd) {
            this.index = index;
            this.s = s;
            this.st = st;
            this.total = s.totalLength();
            this.feedEnd = feedEnd;
            this.k = k;
            this.pos = st.computed;
            this.tokens = new int[k];
            this.q = s.sampling().isGreedy() ? null : new float[k][];
        }
    }

    /**
     * @param backend the draft model's backend, owned by this drafter from now on
     * @param targetVocab the target model's vocabulary size; draft tokens stay below it
     */
    public DraftModelDrafter(Backend backend, int targetVocab) {
        this(backend, targetVocab, 0.0);
    }

    /**
     * @param backend the draft model's backend, owned by this drafter from now on
     * @param targetVocab the target model's vocabulary size; draft tokens stay below it
     * @param confidenceThreshold stop a sequence's draft after a token whose draft probability is
     *     below this; 0 always drafts the tokens asked for
     */
    public DraftModelDrafter(Backend backend, int targetVocab, double confidenceThreshold) {
        if (!(confidenceThreshold >= 0 && confidenceThreshold < 1)) {
            throw new IllegalArgumentException("confidence threshold must be in [0, 1), was " + confidenceThreshold);
        }
        this.confidenceThreshold = confidenceThreshold;
        this.backend = backend;
        BackendInfo info = backend.info();
        this.targetVocab = targetVocab;
        this.blockSize = info.blockSize();
        this.maxStepTokens = Math.max(1, info.maxTokensPerStep());
        this.maxStepSequences = Math.max(1, info.maxSequencesPerStep());
        this.maxContext = info.maxContextLength();
        this.freeStack = new int[info.numBlocks()];
        for (int i = 0; i < freeStack.length; i++) {
            freeStack[i] = freeStack.length - 1 - i;
        }
        this.freeTop = freeStack.length;
    }

    @Override
    public List<DraftProposal> propose(List<SequenceView> sequences, int maxTokens) {
        calls++;
        DraftProposal[] out = new DraftProposal[sequences.size()];
        if (maxTokens < 1 || closed) {
            return Arrays.asList(out);
        }
        State[] st0 = new State[sequences.size()];
        for (int i = 0; i < st0.length; i++) {
            st0[i] = states.computeIfAbsent(sequences.get(i).id(), State::new);
            st0[i].lastUsed = calls; // sequences of this call are never evicted by it
            // the pending token is always fed again: its logits give the first draft token
            rollBack(st0[i], sequences.get(i), sequences.get(i).totalLength() - 1);
        }
        List<Job> jobs = new ArrayList<>();
        for (int i = 0; i < sequences.size(); i++) {
            SequenceView s = sequences.get(i);
            State st = st0[i];
            int total = s.totalLength();
            // the last draft token fed sits at position total + k - 2; it must stay in the draft's context
            int k = Math.min(maxTokens, maxContext - total + 1);
            while (k >= 1 && !reserve(st, total + k - 1)) {
                k--;
            }
            if (k >= 1) {
                jobs.add(new Job(i, s, st, k));
            }
        }
        if (jobs.isEmpty()) {
            return Arrays.asList(out);
        }
        catchUp(jobs, true);
        int longest = 0;
        for (Job j : jobs) {
            longest = Math.max(longest, j.k);
        }
        for (int r = 1; r < longest; r++) {
            if (!decodeRound(jobs, r)) {
                break;
            }
        }
        for (Job j : jobs) {
            j.st.verified = j.total;
            out[j.index] = new DraftProposal(j.tokens, j.q).prefix(j.k);
        }
        return Arrays.asList(out);
    }

    /**
     * Feeds each sequence's prompt to the draft model, as far as one batched step of the draft
     * backend allows (sequences in order); sequences whose blocks cannot be had are left for
     * {@link #propose} to catch up.
     */
    @Override
    public void prefill(List<SequenceView> sequences) {
        if (closed || sequences.isEmpty()) {
            return;
        }
        calls++;
        List<Job> jobs = new ArrayList<>();
        int tokens = 0;
        for (SequenceView s : sequences) {
            if (jobs.size() >= maxStepSequences || tokens >= maxStepTokens) {
                break;
            }
            State st = states.computeIfAbsent(s.id(), State::new);
            st.lastUsed = calls;
            rollBack(st, s, s.totalLength());
            int end = Math.min(Math.min(s.totalLength(), maxContext), st.computed + maxStepTokens - tokens);
            if (end <= st.computed || !reserve(st, end)) {
                continue;
            }
            tokens += end - st.computed;
            jobs.add(new Job(jobs.size(), s, st, 0, end));
        }
        catchUp(jobs, false);
        for (Job j : jobs) {
            j.st.verified = j.st.computed;
        }
    }

    /**
     * Drops the draft positions that no longer match the sequence, keeping at most {@code limit};
     * frees blocks beyond them.
     */
    private void rollBack(State st, SequenceView s, int limit) {
        int keep = Math.min(st.computed, limit);
        int i = Math.min(st.verified, keep);
        while (i < keep && st.fed[i] == s.tokenAt(i)) {
            i++;
        }
        st.computed = i;
        st.verified = i;
        releaseBeyond(st, Math.ceilDiv(st.computed, blockSize));
    }

    /** Makes {@code st}'s block table cover {@code positions}, evicting idle sequences if needed. */
    private boolean reserve(State st, int positions) {
        int need = Math.ceilDiv(positions, blockSize) - st.numBlocks;
        if (need > freeTop) {
            evictIdle(need);
        }
        if (need > freeTop) {
            return false;
        }
        if (st.blocks.length < st.numBlocks + need) {
            st.blocks = Arrays.copyOf(st.blocks, Math.max(st.numBlocks + need, st.blocks.length * 2));
        }
        for (int i = 0; i < need; i++) {
            st.blocks[st.numBlocks++] = freeStack[--freeTop];
        }
        return true;
    }

    /** Frees the draft state of sequences not used in this call, least recently used first. */
    private void evictIdle(int wanted) {
        List<State> idle = new ArrayList<>();
        for (State st : states.values()) {
            if (st.lastUsed < calls && st.numBlocks > 0) {
                idle.add(st);
            }
        }
        idle.sort((a, b) -> Long.compare(a.lastUsed, b.lastUsed));
        for (State st : idle) {
            if (freeTop >= wanted) {
                return;
            }
            releaseBeyond(st, 0);
            st.computed = 0;
            st.verified = 0;
        }
    }

    private void releaseBeyond(State st, int keepBlocks) {
        while (st.numBlocks > keepBlocks) {
            freeStack[freeTop++] = st.blocks[--st.numBlocks];
        }
    }

    /**
     * Feeds every job its unseen tokens up to its {@code feedEnd} (for a proposal: up to and
     * including the pending token); with {@code sample}, samples draft token 1 from the logits at
     * the end.
     */
    private void catchUp(List<Job> jobs, boolean sample) {
        while (true) {
            List<Job> batch = new ArrayList<>();
            List<Integer> counts = new ArrayList<>();
            int tokens = 0;
            for (Job j : jobs) {
                if (j.pos >= j.feedEnd) {
                    continue;
                }
                if (batch.size() >= maxStepSequences || tokens >= maxStepTokens) {
                    break;
                }
                int n = Math.min(j.feedEnd - j.pos, maxStepTokens - tokens);
                batch.add(j);
                counts.add(n);
                tokens += n;
            }
            if (batch.isEmpty()) {
                return;
            }
            int[] flat = new int[tokens];
            int[] positions = new int[tokens];
            List<SequenceSlice> slices = new ArrayList<>(batch.size());
            List<Job> withLogits = new ArrayList<>();
            List<Integer> logitIndices = new ArrayList<>();
            int offset = 0;
            for (int b = 0; b < batch.size(); b++) {
                Job j = batch.get(b);
                int n = counts.get(b);
                ensureFed(j.st, j.pos + n);
                for (int t = 0; t < n; t++) {
                    int token = j.s.tokenAt(j.pos + t);
                    flat[offset + t] = token;
                    positions[offset + t] = j.pos + t;
                    j.st.fed[j.pos + t] = token;
                }
                slices.add(new SequenceSlice(j.s.id(), offset, n, j.pos, Arrays.copyOf(j.st.blocks, j.st.numBlocks)));
                if (sample && j.pos + n == j.feedEnd) {
                    withLogits.add(j);
                    logitIndices.add(offset + n - 1);
                }
                offset += n;
            }
            Logits logits = execute(flat, positions, slices, logitIndices);
            for (int b = 0; b < batch.size(); b++) {
                Job j = batch.get(b);
                j.pos += counts.get(b);
                j.st.computed = j.pos;
            }
            for (int r = 0; r < withLogits.size(); r++) {
                pick(withLogits.get(r), 0, logits, r);
            }
        }
    }

    /**
     * Feeds draft token {@code r} (0-based: {@code r - 1}) of each job that wants more; samples token
     * {@code r}. Returns false when no job wanted more.
     */
    private boolean decodeRound(List<Job> jobs, int r) {
        List<Job> active = new ArrayList<>();
        for (Job j : jobs) {
            if (j.k > r) {
                active.add(j);
            }
        }
        if (active.isEmpty()) {
            return false;
        }
        int perStep = Math.min(maxStepSequences, maxStepTokens);
        for (int from = 0; from < active.size(); from += perStep) {
            List<Job> batch = active.subList(from, Math.min(active.size(), from + perStep));
            int n = batch.size();
            int[] flat = new int[n];
            int[] positions = new int[n];
            List<SequenceSlice> slices = new ArrayList<>(n);
            List<Integer> logitIndices = new ArrayList<>(n);
            for (int b = 0; b < n; b++) {
                Job j = batch.get(b);
                int position = j.total + r - 1;
                ensureFed(j.st, position + 1);
                flat[b] = j.tokens[r - 1];
                positions[b] = position;
                j.st.fed[position] = flat[b];
                slices.add(new SequenceSlice(j.s.id(), b, 1, position, Arrays.copyOf(j.st.blocks, j.st.numBlocks)));
                logitIndices.add(b);
            }
            Logits logits = execute(flat, positions, slices, logitIndices);
            for (int b = 0; b < n; b++) {
                Job j = batch.get(b);
                j.st.computed = j.total + r;
                pick(j, r, logits, b);
            }
        }
        return true;
    }

    private Logits execute(int[] flat, int[] positions, List<SequenceSlice> slices, List<Integer> logitIndices) {
        int[] idx = new int[logitIndices.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = logitIndices.get(i);
        }
        steps++;
        return backend.execute(new StepBatch(flat, positions, slices, idx));
    }

    /** Chooses draft token {@code r} of {@code j} (at position {@code total + r}) from a logits row. */
    private void pick(Job j, int r, Logits logits, int row) {
        int n = Math.min(logits.vocabSize(), targetVocab);
        int offset = logits.rowOffset(row);
        SamplingView p = j.s.sampling();
        double confidence;
        if (p.isGreedy()) {
            j.tokens[r] = DraftSampling.argmax(logits.data(), offset, n);
            confidence = confidenceThreshold > 0 ? DraftSampling.probability(logits.data(), offset, n, j.tokens[r]) : 1;
        } else {
            float[] q = DraftSampling.distribution(logits.data(), offset, n, targetVocab, p);
            j.q[r] = q;
            j.tokens[r] = DraftSampling.draw(q, n, DraftSampling.uniform(p.seed(), j.total + r));
            confidence = q[j.tokens[r]];
        }
        if (confidence < confidenceThreshold && r + 1 < j.k) {
            j.k = r + 1; // keep this token (it may still be accepted), draft no further
        }
    }

    private static void ensureFed(State st, int length) {
        if (st.fed.length < length) {
            st.fed = Arrays.copyOf(st.fed, Math.max(length, st.fed.length * 2));
        }
    }

    @Override
    public void onFinished(long sequenceId) {
        State st = states.remove(sequenceId);
        if (st != null) {
            releaseBeyond(st, 0);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            for (Iterator<State> it = states.values().iterator(); it.hasNext(); ) {
                releaseBeyond(it.next(), 0);
                it.remove();
            }
            backend.close();
        }
    }

    // ---- for tests and diagnostics

    /** Draft KV blocks free now. */
    public int freeBlocks() {
        return freeTop;
    }

    /** Positions the draft model holds for a sequence, or -1 when it has no state. */
    public int computedLength(long sequenceId) {
        State st = states.get(sequenceId);
        return st == null ? -1 : st.computed;
    }

    /** The draft block table of a sequence (a copy), or an empty array. */
    public int[] blockTable(long sequenceId) {
        State st = states.get(sequenceId);
        return st == null ? new int[0] : Arrays.copyOf(st.blocks, st.numBlocks);
    }

    /** Backend steps run so far. */
    public long steps() {
        return steps;
    }
}
