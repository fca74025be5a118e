package dev.railyard.host.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.spi.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes a model with random weights as a Hugging Face checkpoint ({@code config.json}, {@code
 * generation_config.json}, {@code model.safetensors} or shards with {@code
 * model.safetensors.index.json}): the engine behind {@code railyard model synth}, also used by tests
 * and benchmarks.
 *
 * <pre>{@code
 * SynthSpec spec = SynthPresets.byName("smollm2-135m").withDType(DType.F16).withSeed(7);
 * ModelSynthesizer.Result r = ModelSynthesizer.write(spec, Path.of("models/smol"), System.out::println);
 * }</pre>
 *
 * <p>Weights are deterministic in (seed, tensor name) (see {@link RandomTensorSource}) and scaled
 * so that a random model's activations and logits keep unit scale: linear weights {@code N(0,
 * 1/fan_in)} (about HF's {@code initializer_range} 0.02 at width 2048), embedding and output head
 * {@code N(0, 1/hidden)} (logits of standard deviation about 1), norm weights {@code 1 + N(0,
 * 0.02²)}, biases {@code N(0, 0.02²)}. Tensors are generated and converted in parallel chunks while
 * being written, so memory use does not grow with the model.
 */
public final class ModelSynthesizer {

    /** Standard deviation of biases and of the noise on norm weights. */
    static final float SMALL_STD = 0.02f;

    /**
     * What was written.
     *
     * @param directory the checkpoint directory
     * @param weightFiles the safetensors files, in order
     * @param weightBytes bytes of tensor data (the index's {@code total_size})
     * @param tensorCount tensors written
     */
    public record Result(Path directory, List<Path> weightFiles, long weightBytes, int tensorCount) {

        public Result {
            weightFiles = List.copyOf(weightFiles);
        }
    }

    private ModelSynthesizer() {
    }

    /**
     * The tensors of {@code spec}'s model, in canonical order (see {@link ExpectedTensors}), with
     * their random sources; nothing is generated until they are written.
     */
    public static List<SafetensorsWriter.Tensor> tensors(SynthSpec spec) {
        ModelConfig c = spec.model();
        List<SafetensorsWriter.Tensor> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : ExpectedTensors.of(c).entrySet()) {
            out.add(new SafetensorsWriter.Tensor(e.getKey(), c.storedDType(), e.getValue(),
                    source(spec.seed(), e.getKey(), e.getValue(), c)));
        }
        return out;
    }

    private static TensorSource source(long seed, String name, long[] shape, ModelConfig c) {
        if (name.endsWith("norm.weight")) {
            return new RandomTensorSource(seed, name, 1f, SMALL_STD);
        }
        if (name.endsWith(".bias")) {
            return new RandomTensorSource(seed, name, 0f, SMALL_STD);
        }
        if (name.equals(LlamaTensorNames.embed()) || name.equals(LlamaTensorNames.lmHead())) {
            return new RandomTensorSource(seed, name, 0f, (float) (1 / Math.sqrt(c.hiddenSize())));
        }
        return new RandomTensorSource(seed, name, 0f, (float) (1 / Math.sqrt(shape[1])));
    }

    /**
     * Writes {@code spec}'s model into {@code dir} (created when absent).
     *
     * @param progress receives a line per file and per tensor (with the percentage of bytes done)
     * @throws IllegalArgumentException when {@code dir} already holds a checkpoint (a config.json,
     *     a *.safetensors file or an index): the synthesizer never overwrites a model
     * @throws UncheckedIOException when writing fails
     */
    public static Result write(SynthSpec spec, Path dir, Consumer<String> progress) {
        checkTarget(dir);
        long start = System.nanoTime();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        ModelConfig c = spec.model();
        HfConfigWriter.write(dir, c, spec.dialect());
        progress.accept("wrote " + HfConfigReader.CONFIG + " (" + c.architecture() + ") and "
                + HfConfigReader.GENERATION_CONFIG + " in the transformers " + spec.dialect().transformersVersion()
                + " dialect");

        List<SafetensorsWriter.Tensor> tensors = tensors(spec);
        List<List<SafetensorsWriter.Tensor>> shards = shards(tensors, spec.shardSizeBytes());
        long total = tensors.stream().mapToLong(SafetensorsWriter.Tensor::byteSize).sum();
        progress.accept(String.format(Locale.ROOT, "writing %d tensors, %s parameters, %s as %s in %d file%s",
                tensors.size(), count(c.parameterCount()), Sizes.bytes(total), c.storedDType(), shards.size(),
                shards.size() == 1 ? "" : "s"));
        long[] done = {0};
        int[] index = {0};
        List<Path> files = new ArrayList<>();
        Map<String, String> weightMap = new TreeMap<>();
        for (int s = 0; s < shards.size(); s++) {
            String fileName = shards.size() == 1 ? "model.safetensors"
                    : String.format(Locale.ROOT, "model-%05d-of-%05d.safetensors", s + 1, shards.size());
            Path file = dir.resolve(fileName);
            SafetensorsWriter.write(file, shards.get(s), Map.of("format", "pt"), t -> {
                done[0] += t.byteSize();
                index[0]++;
                progress.accept(String.format(Locale.ROOT, "[%3d%%] %d/%d %s", total == 0 ? 100 : done[0] * 100 / total,
                        index[0], tensors.size(), t));
            });
            shards.get(s).forEach(t -> weightMap.put(t.name(), fileName));
            files.add(file);
            if (shards.size() > 1) {
                progress.accept("wrote " + fileName + " (" + Sizes.bytes(uncheckedSize(file)) + ")");
            }
        }
        if (shards.size() > 1) {
            ObjectNode idx = Json.MAPPER.createObjectNode();
            idx.putObject("metadata").put("total_size", total);
            ObjectNode map = idx.putObject("weight_map");
            weightMap.forEach(map::put);
            Json.write(dir.resolve(SafetensorsCheckpoint.INDEX), idx);
        }
        progress.accept(String.format(Locale.ROOT, "done: %s in %s (%.1f s)", Sizes.bytes(total), dir,
                (System.nanoTime() - start) / 1e9));
        return new Result(dir, files, total, tensors.size());
    }

    /**
     * Splits {@code tensors}, in order, into groups of at most {@code shardSize} bytes (a larger
     * tensor makes a group alone).
     */
    static List<List<SafetensorsWriter.Tensor>> shards(List<SafetensorsWriter.Tensor> tensors, long shardSize) {
        List<List<SafetensorsWriter.Tensor>> shards = new ArrayList<>();
        List<SafetensorsWriter.Tensor> current = new ArrayList<>();
        long bytes = 0;
        for (SafetensorsWriter.Tensor t : tensors) {
            if (!current.isEmpty() && bytes + t.byteSize() > shardSize) {
                shards.add(current);
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(t);
            bytes += t.byteSize();
        }
        if (!current.isEmpty() || shards.isEmpty()) {
            shards.add(current);
        }
        return shards;
    }

    private static void checkTarget(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " exists and is not a directory");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<String> existing = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.equals(HfConfigReader.CONFIG) || n.endsWith(".safetensors")
                            || n.equals(SafetensorsCheckpoint.INDEX))
                    .sorted().toList();
            if (!existing.isEmpty()) {
                throw new IllegalArgumentException("directory " + dir + " already holds a model (" +
                        String.join(", ", existing) + "); choose a new or empty directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long uncheckedSize(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String count(long n) {
        if (n >= 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2fB", n / 1e9);
        }
        if (n >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", n / 1e6);
        }
        return Long.toString(n);
    }
}
