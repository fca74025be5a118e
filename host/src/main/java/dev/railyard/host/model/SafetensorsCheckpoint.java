package dev.railyard.host.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.TensorView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The weights of a checkpoint directory: the shards that {@code model.safetensors.index.json}'s
 * {@code weight_map} names when that file exists, otherwise every {@code *.safetensors} file in the
 * directory, all mapped into one arena.
 */
public final class SafetensorsCheckpoint {

    /** {@code model.safetensors.index.json}. */
    public static final String INDEX = "model.safetensors.index.json";

    private SafetensorsCheckpoint() {
    }

    /**
     * The weight files of {@code dir}, in order.
     *
     * @throws ModelFormatException when there are none, or the index names a missing file
     */
    public static List<Path> weightFiles(Path dir) {
        Path index = dir.resolve(INDEX);
        if (Files.isRegularFile(index)) {
            Set<Path> files = new LinkedHashSet<>(indexWeightMap(index).values());
            for (Path f : files) {
                if (!Files.isRegularFile(f)) {
                    throw new ModelFormatException("missing weights file " + f + " (listed in " + index + ")");
                }
            }
            return List.copyOf(files);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".safetensors") && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new ModelFormatException("missing weights: no *.safetensors file in " + dir
                    + " (expected " + dir.resolve("model.safetensors") + " or " + index + ")");
        }
        return files;
    }

    /**
     * Maps every weight file of {@code dir}.
     *
     * @throws ModelFormatException for a missing or corrupt file, a tensor name that occurs in two
     *     files, or a tensor that the index places in a file that lacks it
     */
    public static MappedModelWeights open(Path dir, Consumer<String> progress) {
        List<Path> files = weightFiles(dir);
        Path index = dir.resolve(INDEX);
        Map<String, Path> weightMap = Files.isRegularFile(index) ? indexWeightMap(index) : Map.of();
        Arena arena = Arena.ofShared();
        try {
            Map<String, TensorView> tensors = new LinkedHashMap<>();
            Map<String, Path> origin = new HashMap<>();
            for (Path f : files) {
                SafetensorsFile sf = SafetensorsFile.open(f, arena);
                progress.accept("mapped " + f.getFileName() + " (" + Sizes.bytes(sf.size()) + ", "
                        + sf.tensors().size() + " tensors)");
                for (Map.Entry<String, TensorView> e : sf.tensors().entrySet()) {
                    Path previous = origin.putIfAbsent(e.getKey(), f);
                    if (previous != null) {
                        throw new ModelFormatException("duplicate tensor " + e.getKey() + ": it is in both "
                                + previous + " and " + f);
                    }
                    tensors.put(e.getKey(), e.getValue());
                }
            }
            for (Map.Entry<String, Path> e : weightMap.entrySet()) {
                Path actual = origin.get(e.getKey());
                if (!e.getValue().equals(actual)) {
                    throw new ModelFormatException(index + " places tensor " + e.getKey() + " in " + e.getValue()
                            + (actual == null ? ", which does not contain it" : " but it is in " + actual));
                }
            }
            return new MappedModelWeights(arena, tensors);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** The index's weight map, tensor name to file path (resolved against the index's directory). */
    static Map<String, Path> indexWeightMap(Path index) {
        JsonNode root = Json.readObject(index);
        JsonNode map = root.get("weight_map");
        if (map == null || !map.isObject()) {
            throw new ModelFormatException(index + " has no 'weight_map' object");
        }
        Map<String, Path> out = new LinkedHashMap<>();
        Path dir = index.getParent();
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            String file = e.getValue().asText();
            if (!e.getValue().isTextual() || file.isEmpty() || file.contains("/") || file.contains("\\")) {
                bad.add(e.getKey());
                continue;
            }
            out.put(e.getKey(), dir.resolve(file));
        }
        if (!bad.isEmpty()) {
            throw new ModelFormatException(index + ": weight_map entries must be plain file names; bad entries for "
                    + bad);
        }
        return out;
    }
}
