package dev.railyard.backend.cpu;

import dev.railyard.spi.model.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.stream.IntStream;

/**
 * A weight matrix {@code [rows, cols]} repacked for the outer-product kernels of {@link
 * GemmKernels}: rows in blocks of {@link #BLOCK_ROWS}, each block stored column by column, so the
 * 32 rows' weights at one k are contiguous (128 bytes of float32, or 64 bytes of 16-bit pairs).
 * A step then reads every block front to back in one sequential stream, whatever its token count.
 * The stored type is the checkpoint's: nothing is rounded, nothing is widened ahead of time, so
 * the packed copy is as large as the weights.
 *
 * <p>Layouts of block {@code b} (rows {@code 32b .. 32b+31}; rows past the matrix are zero):
 * <ul>
 *   <li>float32: row {@code 32b + r} at k is the float at byte {@code b * blockBytes + k * 128 + r * 4};
 *   <li>bfloat16 and float16 (bits unchanged): the int at byte {@code b * blockBytes + k * 64 + j * 4}
 *       holds row {@code 32b + j} in its low half and row {@code 32b + 16 + j} in its high half
 *       (j &lt; 16), so one 512-bit load widens to two float vectors (bfloat16: one shift or one
 *       mask; float16: {@link GemmKernels#f16Low} and {@link GemmKernels#f16High}, exact).
 * </ul>
 *
 * @param name the source tensor's name, for messages
 * @param data the packed bytes (64-byte aligned, owned by the arena given to {@link #pack})
 * @param packing the stored element type
 * @param rows output features
 * @param cols input features (the K of the products)
 * @param bias one float per row, or null
 */
record PackedLinear(String name, MemorySegment data, Packing packing, int rows, int cols, float[] bias) {

    /** The element type of a packed matrix. */
    enum Packing {
        F32, BF16, F16;

        /** Bytes of one packed column (the 32 rows of a block at one k). */
        long columnBytes() {
            return this == F32 ? 128 : 64;
        }

        static Packing of(DType dtype) {
            return switch (dtype) {
                case F32 -> F32;
                case BF16 -> BF16;
                case F16 -> F16;
                default -> throw new IllegalArgumentException("not a floating weight type: " + dtype);
            };
        }
    }

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
        return packing.columnBytes();
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
        if (packing == Packing.F32) {
            return data.get(FLOAT, at + j * 4L);
        }
        short h = data.get(SHORT, at + (j % 16) * 4L + (j / 16) * 2L);
        return packing == Packing.BF16 ? Float.intBitsToFloat((h & 0xFFFF) << 16) : Float.float16ToFloat(h);
    }

    /**
     * Packs {@code w} into memory from {@code arena}, in its own element type. Blocks are packed
     * in parallel (the common fork-join pool: a large model's load is bound by page faults) when
     * both segments may be used from other threads, on this thread otherwise.
     */
    static PackedLinear pack(Linear w, Arena arena) {
        Packing packing = Packing.of(w.dtype());
        long blockBytes = w.cols() * packing.columnBytes();
        MemorySegment dst = arena.allocate(blocks(w.rows()) * blockBytes, 64);
        PackedLinear p = new PackedLinear(w.name(), dst, packing, w.rows(), w.cols(), w.bias());
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
                default -> {
                    MemorySegment.copy(w.data(), SHORT, src, halves, 0, k);
                    long lane = (j % 16) * 4L + (j / 16) * 2L;
                    for (int i = 0; i < k; i++) {
                        dst.set(SHORT, block + i * colBytes + lane, halves[i]);
                    }
                }
            }
        }
    }
}
