package dev.railyard.conformance.sim;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Measures a real backend's step times in wall time over a spread of shapes (prefills of several
 * lengths, decode batches of several sizes and contexts) and fits a {@link CostModel} to them, so
 * that the {@code simulated} backend can stand in for it.
 */
public final class CostCalibrator {

    private CostCalibrator() {
    }

    /**
     * Runs steps of varied shapes on {@code backend} (which must have an empty pool to spare) and
     * returns one sample per timed step; each shape is run once to warm up, then {@code repeats}
     * times.
     */
    public static List<CostSample> measure(Backend backend, int repeats, long seed) {
        BackendInfo info = backend.info();
        RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        List<CostSample> samples = new ArrayList<>();
        int maxTokens = Math.min(info.maxTokensPerStep(), info.maxContextLength() - 1);
        int maxSeqs = Math.min(info.maxSequencesPerStep(), 64);
        int[] prefills = {1, 8, 32, Math.max(1, maxTokens / 4), Math.max(1, maxTokens / 2), maxTokens};
        for (int len : prefills) {
            time(backend, shape(info, 1, Math.min(len, maxTokens), 0, rng), repeats, samples);
        }
        int[] batchSizes = {1, 4, 16, maxSeqs};
        int[] contexts = {16, 128, Math.min(512, info.maxContextLength() - 2)};
        for (int b : batchSizes) {
            for (int ctx : contexts) {
                int seqs = Math.min(b, Math.min(maxTokens, info.numBlocks() / Math.max(1, Math.ceilDiv(ctx + 1, info.blockSize()))));
                if (seqs >= 1) {
                    time(backend, shape(info, seqs, 1, ctx, rng), repeats, samples);
                }
            }
        }
        return samples;
    }

    /** {@link #measure} then {@link CostModel#calibrate}. */
    public static CostModel calibrate(Backend backend, int repeats, long seed) {
        return CostModel.calibrate(measure(backend, repeats, seed));
    }

    private static void time(Backend backend, StepBatch batch, int repeats, List<CostSample> out) {
        backend.execute(batch);
        long reads = 0;
        for (SequenceSlice s : batch.slices()) {
            reads += CostSample.kvReads(s.contextLength(), s.length());
        }
        for (int r = 0; r < repeats; r++) {
            long t0 = System.nanoTime();
            backend.execute(batch);
            out.add(new CostSample(batch.numTokens(), reads, (System.nanoTime() - t0) / 1e9));
        }
    }

    /** {@code seqs} sequences, each computing {@code length} tokens after {@code context} (garbage) cached ones. */
    private static StepBatch shape(BackendInfo info, int seqs, int length, int context, RandomGenerator rng) {
        int total = seqs * length;
        int[] tokens = new int[total];
        int[] positions = new int[total];
        int[] logits = new int[seqs];
        List<SequenceSlice> slices = new ArrayList<>();
        int blocksPerSeq = Math.ceilDiv(context + length, info.blockSize());
        int nextBlock = 0;
        for (int s = 0; s < seqs; s++) {
            int[] table = new int[blocksPerSeq];
            for (int b = 0; b < blocksPerSeq; b++) {
                table[b] = (nextBlock++) % info.numBlocks();
            }
            for (int j = 0; j < length; j++) {
                tokens[s * length + j] = rng.nextInt(info.vocabSize());
                positions[s * length + j] = context + j;
            }
            logits[s] = s * length + length - 1;
            slices.add(new SequenceSlice(s, s * length, length, context, table));
        }
        return new StepBatch(tokens, positions, slices, logits);
    }
}
