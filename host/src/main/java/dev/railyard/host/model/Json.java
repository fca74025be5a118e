package dev.railyard.host.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import dev.railyard.spi.model.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared Jackson mapper and small helpers for reading JSON files of a checkpoint. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    /** Pretty printing as Hugging Face writes its JSON files: {@code "key": value}, two-space indent. */
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE));

    private Json() {
    }

    /**
     * Reads a JSON object from {@code file}.
     *
     * @throws ModelFormatException when the file is missing, not JSON or not a JSON object
     */
    static JsonNode readObject(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("missing file " + file);
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new ModelFormatException(file + " does not hold a JSON object");
        }
        return node;
    }

    /** {@code true} when {@code node} has a non-null value for {@code field}. */
    static boolean has(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && !v.isNull();
    }

    /** Writes {@code node} to {@code file}, pretty-printed, with a trailing newline. */
    static void write(Path file, JsonNode node) {
        try {
            Files.writeString(file, PRETTY.writeValueAsString(node) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
