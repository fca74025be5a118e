package dev.railyard.backend.cpu;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * Plays the host for tests and benchmarks: owns sequences and their block tables (blocks taken
 * from a free list, in order or shuffled), builds step batches and runs them.
 */
public final class Driver {

    private final Backend backend;
    private final int blockSize;
    private final Deque<Integer> free = new ArrayDeque<>();
    private long nextId = 1;

    private Driver(Backend backend, List<Integer> order) {
        this.backend = backend;
        this.blockSize = backend.info().blockSize();
        free.addAll(order);
    }

    /** Blocks handed out as 0, 1, 2, ... */
    public static Driver sequential(Backend backend) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < backend.info().numBlocks(); i++) {
            order.add(i);
        }
        return new Driver(backend, order);
    }

    /** Blocks handed out in a random order. */
    public static Driver shuffled(Backend backend, long seed) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < backend.info().numBlocks(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed));
        return new Driver(backend, order);
    }

    public Backend backend() {
        return backend;
    }

    /** A sequence: its context length and blocks. */
    public final class Seq {
        public final long id = nextId++;
        int context;
        final List<Integer> blocks = new ArrayList<>();

        public int context() {
            return context;
        }

        int[] table() {
            return blocks.stream().mapToInt(Integer::intValue).toArray();
        }

        void reserve(int positions) {
            while (blocks.size() * blockSize < positions) {
                Integer b = free.poll();
                if (b == null) {
                    throw new IllegalStateException("test driver ran out of KV blocks");
                }
                blocks.add(b);
            }
        }

        /** Gives the blocks back. */
        public void release() {
            free.addAll(blocks);
            blocks.clear();
        }
    }

    public Seq newSequence() {
        return new Seq();
    }

    /**
     * One sequence's part of a step.
     *
     * @param logitsAt indices within {@code tokens} whose logits to return
     */
    public record Chunk(Seq seq, int[] tokens, int[] logitsAt) {
        public static Chunk last(Seq seq, int... tokens) {
            return new Chunk(seq, tokens, new int[] {tokens.length - 1});
        }
    }

    /** Runs one step and returns copies of the requested logits rows, chunk by chunk, in order. */
    public List<float[]> step(List<Chunk> chunks) {
        StepBatch batch = batch(chunks);
        Logits l = backend.execute(batch);
        for (Chunk c : chunks) {
            c.seq.context += c.tokens.length;
        }
        List<float[]> rows = new ArrayList<>();
        for (int r = 0; r < l.rows(); r++) {
            rows.add(l.row(r));
        }
        return rows;
    }

    /** The batch for {@code chunks}, reserving blocks (contexts do not advance until {@link #step}). */
    public StepBatch batch(List<Chunk> chunks) {
        int n = chunks.stream().mapToInt(c -> c.tokens.length).sum();
        int[] tokens = new int[n];
        int[] positions = new int[n];
        List<SequenceSlice> slices = new ArrayList<>();
        List<Integer> logitIdx = new ArrayList<>();
        int off = 0;
        for (Chunk c : chunks) {
            c.seq.reserve(c.seq.context + c.tokens.length);
            for (int i = 0; i < c.tokens.length; i++) {
                tokens[off + i] = c.tokens[i];
                positions[off + i] = c.seq.context + i;
            }
            for (int li : c.logitsAt) {
                logitIdx.add(off + li);
            }
            slices.add(new SequenceSlice(c.seq.id, off, c.tokens.length, c.seq.context, c.seq.table()));
            off += c.tokens.length;
        }
        return new StepBatch(tokens, positions, slices, logitIdx.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Prefills {@code prompt} in one step and returns the logits at every position. */
    public List<float[]> prefillAll(Seq seq, int[] prompt) {
        int[] all = new int[prompt.length];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return step(List.of(new Chunk(seq, prompt, all)));
    }

    /** Argmax, lowest index on ties. */
    public static int argmax(float[] row) {
        int best = 0;
        for (int i = 1; i < row.length; i++) {
            if (row[i] > row[best]) {
                best = i;
            }
        }
        return best;
    }
}
