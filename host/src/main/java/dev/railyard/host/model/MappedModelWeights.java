package dev.railyard.host.model;

import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.TensorView;
import java.lang.foreign.Arena;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link ModelWeights} backed by memory-mapped files: the tensors are slices of mappings owned by
 * one shared {@link Arena}, which {@link #close()} closes (unmapping every file; the tensors'
 * bytes must not be read after that). Thread-safe for reading; closing is idempotent.
 */
public final class MappedModelWeights implements ModelWeights {

    private final Arena arena;
    private final Map<String, TensorView> tensors;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param arena owns the mappings of {@code tensors}; closed by {@link #close()}
     * @param tensors tensors by name, in the order {@link #names()} gives them
     */
    public MappedModelWeights(Arena arena, Map<String, TensorView> tensors) {
        this.arena = arena;
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public Optional<TensorView> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** {@code true} once {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            arena.close();
        }
    }
}
