package dev.railyard.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The KV pool: {@code numBlocks} blocks of {@code blockSize} positions for every layer, in one
 * native float32 segment allocated at open. Position {@code p} of a sequence lives in block
 * {@code blockTable[p / blockSize]} at slot {@code p % blockSize}; nothing is stored per sequence.
 *
 * <p>Layout, layer-major, then block: the keys of a block are stored transposed, {@code
 * [kvHead][dim][slot]}, so that the scores of a query against a block's slots are a vector FMA
 * per dimension; the values are {@code [kvHead][slot][dim]}, so that the weighted sum of values
 * is a vector FMA per position.
 */
final class PagedKvCache implements AutoCloseable {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment pool;
    private final int layers;
    private final int numBlocks;
    private final int blockSize;
    private final int kvHeads;
    private final int headDim;
    private final long halfBlockBytes;
    private final long blockBytes;

    PagedKvCache(int layers, int numBlocks, int blockSize, int kvHeads, int headDim) {
        this.layers = layers;
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.halfBlockBytes = (long) kvHeads * headDim * blockSize * Float.BYTES;
        this.blockBytes = 2 * halfBlockBytes;
        this.arena = Arena.ofShared();
        this.pool = arena.allocate(bytesFor(layers, numBlocks, blockSize, kvHeads, headDim), 64);
    }

    /** Bytes of a pool of this geometry. */
    static long bytesFor(int layers, int numBlocks, int blockSize, int kvHeads, int headDim) {
        return 2L * layers * numBlocks * blockSize * kvHeads * headDim * Float.BYTES;
    }

    MemorySegment segment() {
        return pool;
    }

    int numBlocks() {
        return numBlocks;
    }

    int blockSize() {
        return blockSize;
    }

    int headDim() {
        return headDim;
    }

    /** Byte offset of the keys of {@code kvHead} in {@code block} of {@code layer}: {@code [dim][slot]}. */
    long keyBase(int layer, int block, int kvHead) {
        return ((long) layer * numBlocks + block) * blockBytes + (long) kvHead * headDim * blockSize * Float.BYTES;
    }

    /** Byte offset of the values of {@code kvHead} in {@code block} of {@code layer}: {@code [slot][dim]}. */
    long valueBase(int layer, int block, int kvHead) {
        return ((long) layer * numBlocks + block) * blockBytes + halfBlockBytes
                + (long) kvHead * blockSize * headDim * Float.BYTES;
    }

    /** Stores one position's keys and values of all KV heads ({@code kvHeads * headDim} floats each). */
    void write(int layer, int block, int slot, float[] k, int kOff, float[] v, int vOff) {
        for (int g = 0; g < kvHeads; g++) {
            long kb = keyBase(layer, block, g) + (long) slot * Float.BYTES;
            long stride = (long) blockSize * Float.BYTES;
            int src = kOff + g * headDim;
            for (int d = 0; d < headDim; d++) {
                pool.set(FLOAT, kb + d * stride, k[src + d]);
            }
            long vb = valueBase(layer, block, g) + (long) slot * headDim * Float.BYTES;
            MemorySegment.copy(v, vOff + g * headDim, pool, FLOAT, vb, headDim);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
