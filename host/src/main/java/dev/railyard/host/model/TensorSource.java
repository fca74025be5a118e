package dev.railyard.host.model;

/**
 * Produces a tensor's elements on demand, so that {@link SafetensorsWriter} never needs a whole
 * tensor (or model) in memory. Must be thread-safe and a pure function of the range: the writer
 * fills several ranges of one tensor in parallel, in any order.
 */
@FunctionalInterface
public interface TensorSource {

    /**
     * Writes elements {@code [start, start + count)} (flat, row-major) into {@code dst[0..count)}.
     */
    void fill(long start, float[] dst, int count);

    /** A source reading from {@code values} (not copied). */
    static TensorSource of(float[] values) {
        return (start, dst, count) -> System.arraycopy(values, Math.toIntExact(start), dst, 0, count);
    }

    /** Every element equals {@code value}. */
    static TensorSource constant(float value) {
        return (start, dst, count) -> java.util.Arrays.fill(dst, 0, count, value);
    }
}
