package dev.railyard.spi.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named weight tensor: dtype, shape and its bytes, row-major and little-endian, usually a
 * read-only slice of a memory-mapped file. Instances are immutable and safe to share between
 * threads; the bytes stay valid until the {@link ModelWeights} that produced them is closed.
 */
public final class TensorView {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final MemorySegment data;

    /**
     * @throws ModelFormatException when the byte size does not match dtype and shape
     */
    public TensorView(String name, DType dtype, long[] shape, MemorySegment data) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        this.data = Objects.requireNonNull(data, "data");
        long expected = numElements() * dtype.bytes();
        if (data.byteSize() != expected) {
            throw new ModelFormatException("tensor " + name + " has " + data.byteSize() + " bytes, expected " + expected
                    + " for " + dtype + " " + Arrays.toString(shape));
        }
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** Size of dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    public long numElements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The raw bytes (read-only when mapped from a file). */
    public MemorySegment data() {
        return data;
    }

    /** Element {@code index} (flat, row-major) converted to float. Slow path: for tests and set-up. */
    public float getFloat(long index) {
        return switch (dtype) {
            case F32 -> data.getAtIndex(F32, index);
            case F16 -> Float.float16ToFloat(data.getAtIndex(I16, index));
            case BF16 -> Float.intBitsToFloat((data.getAtIndex(I16, index) & 0xFFFF) << 16);
            case F64 -> (float) data.getAtIndex(F64, index);
            default -> throw new UnsupportedOperationException("tensor " + name + " has non-float dtype " + dtype);
        };
    }

    /**
     * Converts {@code count} elements starting at flat index {@code from} to float into {@code
     * dst[dstOffset..]}.
     */
    public void copyToFloats(long from, float[] dst, int dstOffset, int count) {
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, F32, from * 4, dst, dstOffset, count);
            case F16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = Float.float16ToFloat(data.getAtIndex(I16, from + i));
                }
            }
            case BF16 -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = Float.intBitsToFloat((data.getAtIndex(I16, from + i) & 0xFFFF) << 16);
                }
            }
            default -> {
                for (int i = 0; i < count; i++) {
                    dst[dstOffset + i] = getFloat(from + i);
                }
            }
        }
    }

    /** All elements as a new float array; only for tensors with fewer than 2^31 elements. */
    public float[] toFloatArray() {
        long n = numElements();
        if (n > Integer.MAX_VALUE - 8) {
            throw new UnsupportedOperationException("tensor " + name + " is too large for one float[]: " + n);
        }
        float[] out = new float[(int) n];
        copyToFloats(0, out, 0, (int) n);
        return out;
    }

    /** {@code true} when the shape equals {@code expected}. */
    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + Arrays.toString(shape);
    }
}
