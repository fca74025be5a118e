package dev.railyard.backend.cpu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.RopeScaling;
import dev.railyard.spi.model.TensorView;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A minimal reader of a single-file Hugging Face checkpoint ({@code config.json} in the 4.x
 * dialect, {@code model.safetensors} memory-mapped), for the golden test. The module cannot use
 * the host's loader in its tests: the host depends on this module, and Maven forbids the cycle.
 */
final class GoldenCheckpoint {

    private GoldenCheckpoint() {
    }

    static LoadedModel load(Path dir) throws IOException {
        JsonNode c = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
        int heads = c.get("num_attention_heads").asInt();
        int hidden = c.get("hidden_size").asInt();
        RopeScaling rope = RopeScaling.NONE;
        JsonNode rs = c.get("rope_scaling");
        if (rs != null && !rs.isNull()) {
            String type = rs.has("rope_type") ? rs.get("rope_type").asText() : rs.get("type").asText();
            rope = new RopeScaling(type, rs.path("factor").asDouble(1), rs.path("low_freq_factor").asDouble(0),
                    rs.path("high_freq_factor").asDouble(0), rs.path("original_max_position_embeddings").asInt(0));
        }
        boolean attentionBias = c.path("attention_bias").asBoolean(false);
        ModelConfig config = new ModelConfig(c.get("architectures").get(0).asText(), c.get("model_type").asText(),
                c.get("vocab_size").asInt(), hidden, c.get("intermediate_size").asInt(),
                c.get("num_hidden_layers").asInt(), heads, c.path("num_key_value_heads").asInt(heads),
                c.path("head_dim").asInt(hidden / heads), c.get("rms_norm_eps").asDouble(),
                c.path("rope_theta").asDouble(10000), rope, c.get("max_position_embeddings").asInt(),
                c.path("tie_word_embeddings").asBoolean(false), attentionBias, attentionBias,
                c.path("mlp_bias").asBoolean(false), c.path("bos_token_id").asInt(-1),
                List.of(c.path("eos_token_id").asInt(-1)), DType.F32);
        return new LoadedModel(dir, config, Safetensors.open(dir.resolve("model.safetensors")));
    }

    /** One mapped safetensors file. */
    static final class Safetensors implements ModelWeights {
        private final Arena arena;
        private final Map<String, TensorView> tensors;

        private Safetensors(Arena arena, Map<String, TensorView> tensors) {
            this.arena = arena;
            this.tensors = tensors;
        }

        static Safetensors open(Path file) throws IOException {
            Arena arena = Arena.ofShared();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
                long headerLen = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
                byte[] header = all.asSlice(8, headerLen).toArray(ValueLayout.JAVA_BYTE);
                JsonNode h = new ObjectMapper().readTree(new String(header, StandardCharsets.UTF_8));
                Map<String, TensorView> tensors = new LinkedHashMap<>();
                Iterator<Map.Entry<String, JsonNode>> it = h.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (e.getKey().equals("__metadata__")) {
                        continue;
                    }
                    JsonNode t = e.getValue();
                    List<Long> shape = new ArrayList<>();
                    t.get("shape").forEach(d -> shape.add(d.asLong()));
                    long from = t.get("data_offsets").get(0).asLong();
                    long to = t.get("data_offsets").get(1).asLong();
                    tensors.put(e.getKey(), new TensorView(e.getKey(), DType.parse(t.get("dtype").asText()),
                            shape.stream().mapToLong(Long::longValue).toArray(), all.asSlice(8 + headerLen + from, to - from)));
                }
                return new Safetensors(arena, tensors);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }

        @Override
        public Set<String> names() {
            return tensors.keySet();
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
}
