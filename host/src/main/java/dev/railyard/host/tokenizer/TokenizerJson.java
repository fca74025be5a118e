package dev.railyard.host.tokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A parsed {@code tokenizer.json}: gives its sections and reads their fields, turning every
 * problem into a {@link TokenizerException} that names the file and the place in it.
 */
final class TokenizerJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path file;
    private final JsonNode root;

    private TokenizerJson(Path file, JsonNode root) {
        this.file = file;
        this.root = root;
    }

    /** Reads and parses {@code file}. */
    static TokenizerJson read(Path file) {
        if (!Files.exists(file)) {
            throw new TokenizerException("tokenizer file not found: " + file);
        }
        if (!Files.isRegularFile(file)) {
            throw new TokenizerException("tokenizer file is not a regular file: " + file);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new TokenizerException(
                    "malformed JSON in tokenizer file " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer file " + file + ": " + e.getMessage(), e);
        }
        return checked(file, root);
    }

    /** Parses JSON text; {@code origin} stands in for the file name in error messages. */
    static TokenizerJson parse(String text, Path origin) {
        try {
            return checked(origin, MAPPER.readTree(text));
        } catch (JsonProcessingException e) {
            throw new TokenizerException("malformed JSON in " + origin + ": " + e.getOriginalMessage(), e);
        }
    }

    private static TokenizerJson checked(Path file, JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new TokenizerException(
                    "malformed tokenizer file " + file + ": the top level is not a JSON object");
        }
        return new TokenizerJson(file, root);
    }

    Path file() {
        return file;
    }

    /** A top-level section ({@code "model"}, {@code "normalizer"}, ...); null when absent or JSON null. */
    JsonNode section(String name) {
        JsonNode node = root.get(name);
        return node == null || node.isNull() ? null : node;
    }

    /** An error about this file: "{file}: {problem}". */
    TokenizerException error(String problem) {
        return new TokenizerException("tokenizer file " + file + ": " + problem);
    }

    /** The {@code "type"} of a component, e.g. {@code "ByteLevel"}; {@code where} names the section. */
    String type(JsonNode component, String where) {
        return text(component, "type", where);
    }

    /** A required string field. */
    String text(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw error(where + " needs a string field \"" + field + "\"");
        }
        return value.asText();
    }

    /** An optional string field; {@code fallback} when absent or null. */
    String optionalText(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asText();
    }

    /** An optional boolean field; {@code fallback} when absent or null. */
    boolean flag(JsonNode node, String field, boolean fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asBoolean(fallback);
    }

    /** An optional integer field; {@code fallback} when absent or null. */
    int integer(JsonNode node, String field, int fallback) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? fallback : value.asInt(fallback);
    }

    /** A required array field. */
    JsonNode array(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isArray()) {
            throw error(where + " needs an array field \"" + field + "\"");
        }
        return value;
    }

    /** A required object field. */
    JsonNode object(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || !value.isObject()) {
            throw error(where + " needs an object field \"" + field + "\"");
        }
        return value;
    }

    /** A single character field such as Metaspace's {@code "replacement"}. */
    int codePoint(JsonNode node, String field, String where, int fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        String text = value.asText();
        if (text.isEmpty() || text.codePointCount(0, text.length()) != 1) {
            throw error(where + " field \"" + field + "\" must be a single character, got \"" + text + "\"");
        }
        return text.codePointAt(0);
    }
}
