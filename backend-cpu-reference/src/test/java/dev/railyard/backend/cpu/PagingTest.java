package dev.railyard.backend.cpu;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.model.DType;
import java.util.ArrayList;
import java.util.List;
import dev.railyard.spi.model.LoadedModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Logits do not depend on the block size nor on where a sequence's blocks lie in the pool. */
class PagingTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16, 32, 5})
    void blockSizeChangesNoBit(int blockSize) {
        for (DType dt : List.of(DType.F32, DType.BF16)) {
            try (Backend b = TestBackends.open(BatchInvarianceTest.model(dt), 2, blockSize, 16 * 64 / blockSize + 8)) {
                BatchInvarianceTest.assertSameBits(BatchInvarianceTest.runChunked(b, BatchInvarianceTest.tokens(300), 11),
                        BatchInvarianceTest.baseline(dt), dt + ", block size " + blockSize);
            }
        }
    }

    /**
     * A block size that is a multiple of the vector length scores a partial block with whole-vector
     * loads, others with masked loads; across head counts, groups and head sizes (one vector, several,
     * and 48 = three) the logits are the same bits.
     */
    @ParameterizedTest
    @CsvSource({"6, 1, 16", "8, 2, 128", "5, 1, 48", "2, 2, 64"})
    void blockSizeChangesNoBitForOtherHeadShapes(int heads, int kvHeads, int headDim) {
        RandomModel m = new RandomModel();
        m.vocab = 300;
        m.hidden = 64;
        m.intermediate = 96;
        m.heads = heads;
        m.kvHeads = kvHeads;
        m.headDim = headDim;
        m.layers = 2;
        LoadedModel model = m.build();
        List<float[]> perHead;
        try (Backend b = TestBackends.open(model, 2, 4, 256)) {
            perHead = BatchInvarianceTest.runChunked(b, BatchInvarianceTest.tokens(120), 7);
        }
        try (Backend b = TestBackends.open(model, 2, 16, 64)) {
            BatchInvarianceTest.assertSameBits(BatchInvarianceTest.runChunked(b, BatchInvarianceTest.tokens(120), 7), perHead,
                    heads + " heads, " + kvHeads + " KV heads of " + headDim);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16})
    void blockPlacementChangesNoBit(int blockSize) {
        DType dt = DType.F32;
        int[] all = BatchInvarianceTest.tokens(300);
        try (Backend b = TestBackends.open(BatchInvarianceTest.model(dt), 2, blockSize, 2048 / blockSize)) {
            // blocks from a shuffled free list, and a second sequence interleaving its blocks
            Driver d = Driver.shuffled(b, 5);
            Driver.Seq other = d.newSequence();
            Driver.Seq s = d.newSequence();
            List<float[]> rows = new ArrayList<>();
            int p = 0;
            while (p < BatchInvarianceTest.PROMPT) {
                int n = Math.min(blockSize + 3, BatchInvarianceTest.PROMPT - p);
                int[] idx = new int[n];
                for (int i = 0; i < n; i++) {
                    idx[i] = i;
                }
                List<float[]> out = d.step(List.of(
                        new Driver.Chunk(other, new int[] {1, 2, 3}, new int[0]),
                        new Driver.Chunk(s, java.util.Arrays.copyOfRange(all, p, p + n), idx)));
                rows.addAll(out);
                p += n;
            }
            for (int i = BatchInvarianceTest.PROMPT; i < all.length; i++) {
                rows.addAll(d.step(List.of(Driver.Chunk.last(s, all[i]))));
            }
            BatchInvarianceTest.assertSameBits(rows, BatchInvarianceTest.baseline(dt), "shuffled blocks of " + blockSize);
        }
    }
}
