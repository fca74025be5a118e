package dev.railyard.host.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.spi.model.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The files of a checkpoint directory beside the weights: which optional ones exist ({@code
 * tokenizer.json}, {@code tokenizer_config.json}, {@code generation_config.json}, {@code
 * chat_template.jinja}) and what {@code tokenizer_config.json} says (chat template, BOS/EOS tokens,
 * {@code add_bos_token}).
 *
 * <pre>{@code
 * ModelFiles files = ModelFiles.of(dir);
 * if (files.hasTokenizer()) { ... files.tokenizerJson() ... }
 * Optional<String> template = files.tokenizerConfig().chatTemplate();
 * }</pre>
 */
public final class ModelFiles {

    /** {@code tokenizer.json}: the fast-tokenizer definition. */
    public static final String TOKENIZER_JSON = "tokenizer.json";
    /** {@code tokenizer_config.json}. */
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    /** {@code chat_template.jinja}: where newer transformers save the chat template. */
    public static final String CHAT_TEMPLATE_JINJA = "chat_template.jinja";

    private final Path directory;

    private ModelFiles(Path directory) {
        this.directory = directory;
    }

    /** The files of checkpoint directory {@code dir} (which need not exist). */
    public static ModelFiles of(Path dir) {
        return new ModelFiles(dir);
    }

    /** The checkpoint directory. */
    public Path directory() {
        return directory;
    }

    /** {@code config.json}'s path, whether or not it exists. */
    public Path config() {
        return directory.resolve(HfConfigReader.CONFIG);
    }

    /** {@code generation_config.json}'s path, whether or not it exists. */
    public Path generationConfig() {
        return directory.resolve(HfConfigReader.GENERATION_CONFIG);
    }

    /** {@code tokenizer.json}'s path, whether or not it exists. */
    public Path tokenizerJson() {
        return directory.resolve(TOKENIZER_JSON);
    }

    /** {@code tokenizer_config.json}'s path, whether or not it exists. */
    public Path tokenizerConfigFile() {
        return directory.resolve(TOKENIZER_CONFIG);
    }

    /** {@code chat_template.jinja}'s path, whether or not it exists. */
    public Path chatTemplateJinja() {
        return directory.resolve(CHAT_TEMPLATE_JINJA);
    }

    public boolean hasConfig() {
        return Files.isRegularFile(config());
    }

    public boolean hasGenerationConfig() {
        return Files.isRegularFile(generationConfig());
    }

    /** Whether {@code tokenizer.json} exists. */
    public boolean hasTokenizer() {
        return Files.isRegularFile(tokenizerJson());
    }

    /** Whether {@code tokenizer_config.json} exists. */
    public boolean hasTokenizerConfig() {
        return Files.isRegularFile(tokenizerConfigFile());
    }

    /** Whether {@code model.safetensors.index.json} exists. */
    public boolean hasSafetensorsIndex() {
        return Files.isRegularFile(directory.resolve(SafetensorsCheckpoint.INDEX));
    }

    /**
     * Reads {@code tokenizer_config.json} (and {@code chat_template.jinja} when the config has no
     * template). Missing files give empty values ({@link TokenizerConfig#EMPTY} when neither exists).
     *
     * @throws ModelFormatException when tokenizer_config.json exists but is not a JSON object
     */
    public TokenizerConfig tokenizerConfig() {
        JsonNode node = hasTokenizerConfig() ? Json.readObject(tokenizerConfigFile()) : null;
        Optional<String> template = node == null ? Optional.empty() : chatTemplate(node);
        if (template.isEmpty() && Files.isRegularFile(chatTemplateJinja())) {
            try {
                template = Optional.of(Files.readString(chatTemplateJinja()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + chatTemplateJinja() + ": " + e.getMessage(), e);
            }
        }
        if (node == null) {
            return new TokenizerConfig(template, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty());
        }
        return new TokenizerConfig(template, bool(node, "add_bos_token"), bool(node, "add_eos_token"),
                token(node, "bos_token"), token(node, "eos_token"));
    }

    private Optional<String> chatTemplate(JsonNode node) {
        JsonNode t = node.get("chat_template");
        if (t == null || t.isNull()) {
            return Optional.empty();
        }
        if (t.isTextual()) {
            return Optional.of(t.asText());
        }
        if (t.isArray()) {
            JsonNode first = null;
            for (JsonNode e : t) {
                if (e.isObject() && e.hasNonNull("template")) {
                    if (first == null) {
                        first = e;
                    }
                    if ("default".equals(e.path("name").asText())) {
                        return Optional.of(e.get("template").asText());
                    }
                }
            }
            if (first != null) {
                return Optional.of(first.get("template").asText());
            }
        }
        throw new ModelFormatException("chat_template in " + tokenizerConfigFile()
                + " must be a string or a list of {name, template}");
    }

    private static Optional<Boolean> bool(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isBoolean() ? Optional.of(v.asBoolean()) : Optional.empty();
    }

    private static Optional<String> token(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (v.isTextual()) {
            return Optional.of(v.asText());
        }
        if (v.isObject() && v.hasNonNull("content")) {
            return Optional.of(v.get("content").asText());
        }
        return Optional.empty();
    }
}
