package dev.railyard.spi.model;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The named weight tensors of a checkpoint. Owned by the host: backends read tensors but never
 * close this. Implementations are thread-safe for reading.
 */
public interface ModelWeights extends AutoCloseable {

    /** Names of all tensors; never null. */
    Set<String> names();

    /** The tensor with this name, or empty. */
    Optional<TensorView> find(String name);

    /**
     * The tensor with this name and exactly this shape.
     *
     * @throws ModelFormatException when it is missing ({@code "missing tensor X"}) or has another
     *     shape ({@code "tensor X has shape [..], expected [..]"})
     */
    default TensorView require(String name, long... expectedShape) {
        TensorView t = find(name).orElseThrow(() -> new ModelFormatException("missing tensor " + name));
        if (!t.hasShape(expectedShape)) {
            throw new ModelFormatException("tensor " + name + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expectedShape));
        }
        return t;
    }

    /** Total bytes of all tensors. */
    default long totalBytes() {
        long sum = 0;
        for (String n : names()) {
            sum += find(n).orElseThrow().data().byteSize();
        }
        return sum;
    }

    /** Releases mappings; called by the host only, after every backend using it is closed. */
    @Override
    void close();
}
