package dev.railyard.backend.cpu;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Tensors in native memory, for tests and benchmarks that need no files. */
public final class InMemoryWeights implements ModelWeights {

    private final Arena arena = Arena.ofShared();
    private final Map<String, TensorView> tensors = new LinkedHashMap<>();

    /** Allocates a tensor of zeros and returns its (writable) view. */
    public TensorView allocate(String name, DType dtype, long... shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        MemorySegment seg = arena.allocate(n * dtype.bytes(), 64);
        TensorView t = new TensorView(name, dtype, shape, seg);
        tensors.put(name, t);
        return t;
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(tensors.keySet());
    }

    @Override
    public Optional<TensorView> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public void close() {
        arena.close();
    }
}
