package dev.railyard.spi.model;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A model as the host hands it to a backend: where it came from, its hyper-parameters and its
 * weights. The host owns the weights and closes them after the backend.
 *
 * @param directory the checkpoint directory; never null
 * @param config hyper-parameters; never null
 * @param weights named tensors; never null
 */
public record LoadedModel(Path directory, ModelConfig config, ModelWeights weights) {

    public LoadedModel {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(weights, "weights");
    }

    /** The directory's file name, used as the model's id (e.g. in {@code /v1/models}). */
    public String name() {
        Path f = directory.toAbsolutePath().normalize().getFileName();
        return f == null ? directory.toString() : f.toString();
    }
}
