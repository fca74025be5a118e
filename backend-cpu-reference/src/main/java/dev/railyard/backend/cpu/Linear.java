package dev.railyard.backend.cpu;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.TensorView;
import java.lang.foreign.MemorySegment;

/**
 * A weight matrix {@code [rows, cols]} (Hugging Face's {@code [out, in]}) as the host handed it:
 * the model's (memory-mapped) bytes in their stored dtype, with an optional bias copied to the
 * heap. The embedding table is read from it row by row; the other matrices are repacked into
 * {@link PackedLinear} at load.
 *
 * @param name the tensor name, for messages
 * @param data the row-major little-endian bytes; never copied
 * @param dtype F32, F16 or BF16
 * @param rows output features
 * @param cols input features (the K of the dot products)
 * @param bias one float per row, or null
 */
record Linear(String name, MemorySegment data, DType dtype, int rows, int cols, float[] bias) {

    static Linear of(TensorView weight, TensorView bias) {
        if (!weight.dtype().isFloatingWeightType()) {
            throw new ModelFormatException("tensor " + weight.name() + " has dtype " + weight.dtype()
                    + "; the cpu-reference backend reads F32, F16 or BF16 weights");
        }
        if (weight.rank() != 2) {
            throw new ModelFormatException("tensor " + weight.name() + " must be a matrix, has shape "
                    + java.util.Arrays.toString(weight.shape()));
        }
        float[] b = bias == null ? null : bias.toFloatArray();
        return new Linear(weight.name(), weight.data(), weight.dtype(), (int) weight.dim(0), (int) weight.dim(1), b);
    }

    /** Bytes of one row. */
    long rowBytes() {
        return (long) cols * dtype.bytes();
    }

    /** Byte offset of row {@code r}. */
    long rowOffset(int r) {
        return r * rowBytes();
    }

    /** Bytes of the matrix (what one pass over it reads). */
    long byteSize() {
        return rows * rowBytes();
    }
}
