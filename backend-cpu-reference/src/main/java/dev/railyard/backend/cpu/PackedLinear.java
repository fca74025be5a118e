package dev.railyard.backend.cpu;

import dev.railyard.spi.model.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * A weight matrix {@code [rows, cols]} repacked for the outer-product kernels of {@link
 * GemmKernels}: rows in blocks of {@link #BLOCK_ROWS}, each block stored column by column, so the
 * 32 rows' weights at one k are contiguous (128 bytes of float32, or 64 bytes of bfloat16 pairs).
 * A step then reads every block front to back in one sequential stream, whatever its token count.
 *
 * <p>Layouts of block {@code b} (rows {@code 32b .. 32b+31}; rows past the matrix are zero):
 * <ul>
 *   <li>float32 (from float32 or float16 weights, widened exactly): row {@code 32b + r} at k is the
 *       float at byte {@code b * blockBytes + k * 128 + r * 4};
 *   <li>bfloat16 (from bfloat16 weights, bits unchanged): the int at byte {@code b * blockBytes + k * 64
 *       + j * 4} holds row {@code 32b + j} in its low half and row {@code 32b + 16 + j} in its high
 *       half (j &lt; 16), so one 512-bit load widens to two float vectors with a shift and a mask.
 * </ul>
 *
 * @param name the source tensor's name, for messages
 * @param data the packed bytes (64-byte aligned, owned by the arena given to {@link #pack})
 * @param bf16 bfloat16 pairs, or float32
 * @param rows output features
 * @param cols input features (the K of the products)
 * @param bias one float per row, or null
 */
record PackedLinear(String name, MemorySegment data, boolean bf16, int rows, int cols, float[] bias) {

    /** Rows per packed block (two 512-bit float vectors). */
    static final int BLOCK_ROWS = 32;

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(VectorMath.LE);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(VectorMath.LE);

    /** Blocks of {@link #BLOCK_ROWS} rows, the last one padded with zero rows. */
    int blocks() {
        return blocks(rows);
    }

    private static int blocks(int rows) {
        return (rows + BLOCK_ROWS - 1) / BLOCK_ROWS;
    }

    /** Bytes of the packed weights at one k of a block (32 rows). */
    long columnBytes() {
        return columnBytes(bf16);
    }

    private static long columnBytes(boolean bf16) {
        return bf16 ? 64 : 128;
    }

    /** Bytes of one packed block. */
    long blockBytes() {
        return cols * columnBytes();
    }

    /** Bytes of the packed matrix (what one pass over it reads). */
    long byteSize() {
        return blocks() * blockBytes();
    }

    /** Row {@code r}'s weight at {@code k}, widened to float32 (the portable path and tests). */
    float weight(int r, int k) {
        long at = (r / BLOCK_ROWS) * blockBytes() + k * columnBytes();
        int j = r % BLOCK_ROWS;
        if (!bf16) {
            return data.get(FLOAT, at + j * 4L);
        }
        short h = data.get(SHORT, at + (j % 16) * 4L + (j / 16) * 2L);
        return Float.intBitsToFloat((h & 0xFFFF) << 16);
    }

    /**
     * Packs {@code w} into memory from {@code arena}: bfloat16 stays bfloat16, float32 stays
     * float32, float16 is widened to float32 (exactly; twice its stored size). Blocks are packed
     * in parallel (the common fork-join pool: a large model's load is bound by page faults) when
     * both segments may be used from other threads, on this thread otherwise.
     */
    static PackedLinear pack(Linear w, Arena arena) {
        boolean bf16 = w.dtype() == DType.BF16;
        long blockBytes = w.cols() * columnBytes(bf16);
        MemorySegment dst = arena.allocate(blocks(w.rows()) * blockBytes, 64);
        PackedLinear p = new PackedLinear(w.name(), dst, bf16, w.rows(), w.cols(), w.bias());
        IntStream blocks = IntStream.range(0, p.blocks());
        if (w.data().isAccessibleBy(ANOTHER_THREAD) && dst.isAccessibleBy(ANOTHER_THREAD)) {
            blocks = blocks.parallel();
        }
        blocks.forEach(b -> p.packBlock(w, b));
        return p;
    }

    /** Never started: only asked whether a segment is confined to its owner thread. */
    private static final Thread ANOTHER_THREAD = Thread.ofVirtual().unstarted(() -> { });

    /** Rows of block {@code b} of {@code w} into this matrix's packed bytes. */
    private void packBlock(Linear w, int b) {
        MemorySegment dst = data;
        int k = w.cols();
        float[] row = new float[k];
        short[] halves = new short[k];
        long colBytes = columnBytes();
        long block = b * blockBytes();
        for (int j = 0; j < BLOCK_ROWS && b * BLOCK_ROWS + j < rows; j++) {
            long src = w.rowOffset(b * BLOCK_ROWS + j);
            switch (w.dtype()) {
                case F32 -> {
                    MemorySegment.copy(w.data(), FLOAT, src, row, 0, k);
                    for (int i = 0; i < k; i++) {
                        dst.set(FLOAT, block + i * colBytes + j * 4L, row[i]);
                    }
                }
                case BF16 -> {
                    MemorySegment.copy(w.data(), SHORT, src, halves, 0, k);
                    long lane = (j % 16) * 4L + (j / 16) * 2L;
                    for (int i = 0; i < k; i++) {
                        dst.set(SHORT, block + i * colBytes + lane, halves[i]);
                    }
                }
                default -> {
                    MemorySegment.copy(w.data(), SHORT, src, halves, 0, k);
                    for (int i = 0; i < k; i++) {
                        dst.set(FLOAT, block + i * colBytes + j * 4L, Float.float16ToFloat(halves[i]));
                    }
                }
            }
        }
    }
}
