package dev.railyard.backend.cpu;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.model.DType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
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
