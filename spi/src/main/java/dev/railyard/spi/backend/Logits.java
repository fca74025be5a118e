package dev.railyard.spi.backend;

/**
 * Rows of logits, one per requested flat index, each {@code vocabSize} floats, stored row-major
 * in {@link #data()} starting at offset 0.
 *
 * <p>A backend may reuse the array across steps: a {@code Logits} returned by {@link
 * Backend#execute} is valid only until the next call of {@code execute} on that backend. The
 * host reads it on the engine thread and copies what it keeps.
 *
 * @param data row-major values; at least {@code rows * vocabSize} long
 * @param rows number of rows
 * @param vocabSize columns per row
 */
public record Logits(float[] data, int rows, int vocabSize) {

    public Logits {
        if ((long) rows * vocabSize > data.length) {
            throw new IllegalArgumentException("logits buffer of " + data.length + " floats is smaller than " + rows + " x " + vocabSize);
        }
    }

    /** Offset of row {@code r} in {@link #data()}. */
    public int rowOffset(int r) {
        return r * vocabSize;
    }

    public float get(int row, int column) {
        return data[row * vocabSize + column];
    }

    /** A copy of row {@code r}. */
    public float[] row(int r) {
        float[] out = new float[vocabSize];
        System.arraycopy(data, r * vocabSize, out, 0, vocabSize);
        return out;
    }
}
