package dev.railyard.host.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test helpers: resource directories and small JSON files. */
final class Fixtures {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Fixtures() {
    }

    /** A directory under src/test/resources, e.g. {@code golden/llama-gqa}. */
    static Path resourceDir(String name) {
        URL url = Fixtures.class.getResource("/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The golden model's directory. */
    static Path golden() {
        return resourceDir("golden/llama-gqa");
    }

    /** A minimal valid transformers-4.x Llama config (vocab 32, hidden 16, 1 layer, 4 heads, 2 KV heads). */
    static ObjectNode llamaConfig() {
        ObjectNode n = MAPPER.createObjectNode();
        n.putArray("architectures").add("LlamaForCausalLM");
        n.put("model_type", "llama");
        n.put("vocab_size", 32);
        n.put("hidden_size", 16);
        n.put("intermediate_size", 24);
        n.put("num_hidden_layers", 1);
        n.put("num_attention_heads", 4);
        n.put("num_key_value_heads", 2);
        n.put("rms_norm_eps", 1e-5);
        n.put("rope_theta", 10000.0);
        n.putNull("rope_scaling");
        n.put("max_position_embeddings", 128);
        n.put("bos_token_id", 1);
        n.put("eos_token_id", 2);
        n.put("tie_word_embeddings", false);
        n.put("torch_dtype", "float32");
        return n;
    }

    /** Writes {@code json} (an {@link ObjectNode} or a string) to {@code dir/name}, creating {@code dir}. */
    static Path write(Path dir, String name, Object json) {
        try {
            Files.createDirectories(dir);
            Path f = dir.resolve(name);
            Files.writeString(f, json instanceof String s ? s : MAPPER.writeValueAsString(json));
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
