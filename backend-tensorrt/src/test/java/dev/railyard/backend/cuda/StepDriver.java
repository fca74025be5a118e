package dev.railyard.backend.cuda;

import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/** Builds {@link StepBatch}es the way the host does: sequences with block tables from a shuffled pool. */
final class StepDriver {

    static final class Seq {
        final long id;
        final List<Integer> tokens = new ArrayList<>();
        int cached;
        int[] blocks = new int[0];

        Seq(long id) {
            this.id = id;
        }

        int[] tokenArray() {
            return tokens.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** One requested logits row: the sequence and the absolute position. */
    record Row(Seq seq, int position) {
    }

    private final int blockSize;
    private final Deque<Integer> free = new ArrayDeque<>();
    private long nextId = 1;

    StepDriver(int blockSize, int numBlocks, long seed) {
        this.blockSize = blockSize;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < numBlocks; i++) {
            ids.add(i);
        }
        Collections.shuffle(ids, new Random(seed));
        free.addAll(ids);
    }

    Seq newSeq() {
        return new Seq(nextId++);
    }

    /** A step under construction. */
    final class Step {
        private final List<Integer> tokens = new ArrayList<>();
        private final List<Integer> positions = new ArrayList<>();
        private final List<SequenceSlice> slices = new ArrayList<>();
        private final List<Integer> logitIdx = new ArrayList<>();
        final List<Row> rows = new ArrayList<>();
        private final List<Runnable> commits = new ArrayList<>();

        /** Adds {@code newTokens} of {@code s} at its next positions; logits for the relative indices {@code logitRel}. */
        Step add(Seq s, int[] newTokens, int... logitRel) {
            int offset = tokens.size();
            int ctx = s.cached;
            int need = (ctx + newTokens.length + blockSize - 1) / blockSize;
            if (s.blocks.length < need) {
                int[] nb = java.util.Arrays.copyOf(s.blocks, need);
                for (int i = s.blocks.length; i < need; i++) {
                    Integer b = free.poll();
                    if (b == null) {
                        throw new IllegalStateException("out of KV blocks");
                    }
                    nb[i] = b;
                }
                s.blocks = nb;
            }
            for (int i = 0; i < newTokens.length; i++) {
                tokens.add(newTokens[i]);
                positions.add(ctx + i);
            }
            slices.add(new SequenceSlice(s.id, offset, newTokens.length, ctx, s.blocks.clone()));
            for (int r : logitRel) {
                logitIdx.add(offset + r);
                rows.add(new Row(s, ctx + r));
            }
            commits.add(() -> {
                for (int t : newTokens) {
                    s.tokens.add(t);
                }
                s.cached += newTokens.length;
            });
            return this;
        }

        StepBatch batch() {
            return new StepBatch(tokens.stream().mapToInt(Integer::intValue).toArray(),
                    positions.stream().mapToInt(Integer::intValue).toArray(), slices,
                    logitIdx.stream().mapToInt(Integer::intValue).toArray());
        }

        /** Records the step's tokens as cached (call once after the backend ran it). */
        void commit() {
            commits.forEach(Runnable::run);
            commits.clear();
        }
    }

    Step step() {
        return new Step();
    }

    /** Returns a finished sequence's blocks to the pool. */
    void release(Seq s) {
        for (int b : s.blocks) {
            free.add(b);
        }
        s.blocks = new int[0];
    }

    static int argmax(float[] data, int off, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (data[off + i] > data[off + best]) {
                best = i;
            }
        }
        return best;
    }

    static int[] randomTokens(Random rnd, int n, int vocab) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = rnd.nextInt(vocab);
        }
        return t;
    }

    static int[] range(int from, int to) {
        int[] r = new int[to - from];
        for (int i = from; i < to; i++) {
            r[i - from] = i;
        }
        return r;
    }
}
