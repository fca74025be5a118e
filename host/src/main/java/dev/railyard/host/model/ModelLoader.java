package dev.railyard.host.model;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.TensorView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Loads a Hugging Face checkpoint directory: {@code config.json} (transformers 4.x or 5.x
 * dialect), the optional {@code generation_config.json}, and the weights in one or more {@code
 * *.safetensors} files (with or without {@code model.safetensors.index.json}), memory-mapped.
 *
 * <p>Every tensor the architecture needs is checked against the shape the config implies (see
 * {@link ExpectedTensors}), so backends can trust shapes. Two repairs are made and reported through
 * {@code progress}: a config with {@code tie_word_embeddings: false} but no {@code lm_head.weight}
 * is loaded as tied; {@link ModelConfig#storedDType()} is the dtype the embedding is actually
 * stored in, whatever {@code torch_dtype} says.
 *
 * <p>The caller owns the returned model's weights and must close them.
 */
public final class ModelLoader {

    private ModelLoader() {
    }

    /** {@link #load(Path, Consumer)} without progress messages. */
    public static LoadedModel load(Path dir) {
        return load(dir, s -> { });
    }

    /**
     * Loads and validates the checkpoint in {@code dir}.
     *
     * @param progress receives one line per step and notes about repairs; never null
     * @throws ModelFormatException when a file is missing or corrupt, the architecture or RoPE type
     *     is unsupported, or a tensor is missing or has the wrong shape; the message names the file
     *     or tensor
     */
    public static LoadedModel load(Path dir, Consumer<String> progress) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(progress, "progress");
        if (!Files.isDirectory(dir)) {
            throw new ModelFormatException(Files.exists(dir) ? "model path " + dir + " is not a directory"
                    : "model directory " + dir + " does not exist");
        }
        long start = System.nanoTime();
        HfConfigReader.Parsed parsed = HfConfigReader.read(dir, progress);
        ModelConfig config = parsed.model();
        progress.accept("config: " + config.architecture() + ", " + config.numLayers() + " layers, hidden "
                + config.hiddenSize() + ", " + config.numAttentionHeads() + " heads (" + config.numKeyValueHeads()
                + " KV), vocab " + config.vocabSize());
        MappedModelWeights weights = SafetensorsCheckpoint.open(dir, progress);
        try {
            config = untieIfHeadMissing(config, weights, progress);
            config = actualDType(config, parsed.declaredDType(), weights, progress);
            ExpectedTensors.validate(config, weights, dir.toString());
            noteUnexpectedBiases(config, weights, progress);
            progress.accept(String.format(java.util.Locale.ROOT, "loaded %s: %d tensors, %s, %s, %.0f ms",
                    dir.getFileName(), weights.names().size(), Sizes.bytes(weights.totalBytes()),
                    config.storedDType(), (System.nanoTime() - start) / 1e6));
            return new LoadedModel(dir, config, weights);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static ModelConfig untieIfHeadMissing(ModelConfig c, MappedModelWeights w, Consumer<String> progress) {
        if (!c.tieWordEmbeddings() && w.find(LlamaTensorNames.lmHead()).isEmpty()
                && w.find(LlamaTensorNames.embed()).isPresent()) {
            progress.accept("note: tie_word_embeddings is false but there is no " + LlamaTensorNames.lmHead()
                    + "; using tied embeddings");
            return ModelConfigBuilder.from(c).tieWordEmbeddings(true).build();
        }
        return c;
    }

    private static ModelConfig actualDType(ModelConfig c, Optional<DType> declared, MappedModelWeights w,
                                           Consumer<String> progress) {
        Optional<TensorView> embed = w.find(LlamaTensorNames.embed());
        if (embed.isEmpty() || !embed.get().dtype().isFloatingWeightType()) {
            return c; // validation reports it
        }
        DType actual = embed.get().dtype();
        if (declared.isPresent() && declared.get() != actual) {
            progress.accept("note: config.json declares " + declared.get() + " but the weights are stored as "
                    + actual + "; using " + actual);
        }
        long mixed = ExpectedTensors.of(c).keySet().stream()
                .map(w::find).flatMap(Optional::stream).filter(t -> t.dtype() != actual).count();
        if (mixed > 0) {
            progress.accept("note: " + mixed + " tensors are not stored as " + actual + " (mixed dtypes)");
        }
        return c.storedDType() == actual ? c : ModelConfigBuilder.from(c).storedDType(actual).build();
    }

    private static void noteUnexpectedBiases(ModelConfig c, MappedModelWeights w, Consumer<String> progress) {
        Map<String, long[]> expected = ExpectedTensors.of(c);
        long unexpected = w.names().stream()
                .filter(n -> n.startsWith("model.layers.") && n.endsWith(".bias") && !expected.containsKey(n))
                .count();
        if (unexpected > 0) {
            progress.accept("note: " + unexpected + " bias tensors are not used: the config of "
                    + c.architecture() + " does not enable them");
        }
    }
}
