package dev.railyard.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The KV pool: {@code numBlocks} blocks of {@code blockSize} positions for every layer, in one
 * native segment allocated at open, of float32 elements, or of bfloat16 ones (rounded to nearest
 * even when written, widened exactly when read: half the memory and half the traffic of attention,
 * at about three significant digits). Position {@code p} of a sequence lives in block
 * {@code blockTable[p / blockSize]} at slot {@code p % blockSize}; nothing is stored per sequence.
 *
 * <p>Layout, layer-major, then block: the keys of a block are stored transposed, {@code
 * [kvHead][dim][slot]}, so that the scores of a query against a block's slots are a vector FMA
 * per dimension; the values are {@code [kvHead][slot][dim]}, so that the weighted sum of values
 * is a vector FMA per position.
 */
final class PagedKvCache implements AutoCloseable {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena;
    private final MemorySegment pool;
    private final int layers;
    private final int numBlocks;
    private final int blockSize;
    private final int kvHeads;
    private final int headDim;
    private final long halfBlockBytes;
    private final long blockBytes;
    private final boolean bf16;
    private final int elementBytes;

    PagedKvCache(int layers, int numBlocks, int blockSize, int kvHeads, int headDim) {
        this(layers, numBlocks, blockSize, kvHeads, headDim, false);
    }

    /** @param bf16 store bfloat16 elements instead of float32 */
    PagedKvCache(int layers, int numBlocks, int blockSize, int kvHeads, int headDim, boolean bf16) {
        this.layers = layers;
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.bf16 = bf16;
        this.elementBytes = bf16 ? 2 : Float.BYTES;
        this.halfBlockBytes = (long) kvHeads * headDim * blockSize * elementBytes;
        this.blockBytes = 2 * halfBlockBytes;
        this.arena = Arena.ofShared();
        this.pool = arena.allocate(bytesFor(layers, numBlocks, blockSize, kvHeads, headDim, elementBytes), 64);
    }

    /** Bytes of a pool of this geometry with elements of {@code elementBytes} bytes. */
    static long bytesFor(int layers, int numBlocks, int blockSize, int kvHeads, int headDim, int elementBytes) {
        return 2L * layers * numBlocks * blockSize * kvHeads * headDim * elementBytes;
    }

    /** Whether elements are bfloat16 (else float32). */
    boolean bf16() {
        return bf16;
    }

    /** Bytes of one element: 2 or 4. */
    int elementBytes() {
        return elementBytes;
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
        return ((long) layer * numBlocks + block) * blockBytes + (long) kvHead * headDim * blockSize * elementBytes;
    }

    /** Byte offset of the values of {@code kvHead} in {@code block} of {@code layer}: {@code [slot][dim]}. */
    long valueBase(int layer, int block, int kvHead) {
        return ((long) layer * numBlocks + block) * blockBytes + halfBlockBytes
                + (long) kvHead * blockSize * headDim * elementBytes;
    }

    /** Stores one position's keys and values of all KV heads ({@code kvHeads * headDim} floats each). */
    void write(int layer, int block, int slot, float[] k, int kOff, float[] v, int vOff) {
        long stride = (long) blockSize * elementBytes;
        for (int g = 0; g < kvHeads; g++) {
            long kb = keyBase(layer, block, g) + (long) slot * elementBytes;
            int src = kOff + g * headDim;
            long vb = valueBase(layer, block, g) + (long) slot * headDim * elementBytes;
            if (bf16) {
                for (int d = 0; d < headDim; d++) {
                    pool.set(SHORT, kb + d * stride, toBfloat16(k[src + d]));
                    pool.set(SHORT, vb + 2L * d, toBfloat16(v[vOff + g * headDim + d]));
                }
            } else {
                for (int d = 0; d < headDim; d++) {
                    pool.set(FLOAT, kb + d * stride, k[src + d]);
                }
                MemorySegment.copy(v, vOff + g * headDim, pool, FLOAT, vb, headDim);
            }
        }
    }

    /** The bfloat16 nearest to {@code f} (ties to even); NaN stays NaN. */
    static short toBfloat16(float f) {
        int bits = Float.floatToRawIntBits(f);
        if (Float.isNaN(f)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }

    @Override
    public void close() {
        arena.close();
    }
}
