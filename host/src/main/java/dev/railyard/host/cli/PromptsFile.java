package dev.railyard.host.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.host.engine.GenerationRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a prompts file: one JSON object per line, {@code {"prompt": "..."}} or {@code
 * {"prompt_tokens": [..]}} with optional {@code max_tokens, temperature, top_p, top_k, min_p,
 * repetition_penalty, seed, priority, stop}. A line that is wrong becomes an entry with an error,
 * so the other requests still run.
 */
final class PromptsFile {

    static final Set<String> KEYS = Set.of("prompt", "prompt_tokens", "max_tokens", "temperature", "top_p", "top_k", "min_p",
            "repetition_penalty", "seed", "priority", "stop");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One line: a request, or the error that keeps it from being one. */
    record Entry(int line, GenerationRequest.Builder request, String error) {
    }

    private PromptsFile() {
    }

    static List<Entry> read(Path file, SamplingDefaults defaults) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UserException("cannot read prompts file " + file + ": " + e.getMessage());
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                out.add(new Entry(i + 1, parse(JSON.readTree(line), defaults), null));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                out.add(new Entry(i + 1, null, "line " + (i + 1) + ": not valid JSON: " + e.getOriginalMessage()));
            } catch (IllegalArgumentException e) {
                out.add(new Entry(i + 1, null, "line " + (i + 1) + ": " + e.getMessage()));
            }
        }
        return out;
    }

    static GenerationRequest.Builder parse(JsonNode node, SamplingDefaults defaults) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown option '" + k + "'; valid: " + String.join(", ", new TreeSet<>(KEYS)));
            }
        }
        GenerationRequest.Builder b = defaults.apply(GenerationRequest.builder());
        if (node.has("prompt") && node.has("prompt_tokens")) {
            throw new IllegalArgumentException("give either 'prompt' or 'prompt_tokens', not both");
        }
        if (node.has("prompt")) {
            b.promptText(text(node, "prompt"));
        } else if (node.has("prompt_tokens")) {
            JsonNode arr = node.get("prompt_tokens");
            if (!arr.isArray()) {
                throw new IllegalArgumentException("'prompt_tokens' must be an array of integers");
            }
            int[] tokens = new int[arr.size()];
            for (int i = 0; i < tokens.length; i++) {
                if (!arr.get(i).canConvertToInt()) {
                    throw new IllegalArgumentException("'prompt_tokens'[" + i + "] is not an integer: " + arr.get(i));
                }
                tokens[i] = arr.get(i).asInt();
            }
            b.promptTokens(tokens);
        } else {
            throw new IllegalArgumentException("missing 'prompt' or 'prompt_tokens'");
        }
        if (node.has("max_tokens")) {
            b.maxTokens(integer(node, "max_tokens"));
        }
        if (node.has("temperature")) {
            b.temperature(number(node, "temperature"));
        }
        if (node.has("top_p")) {
            b.topP(number(node, "top_p"));
        }
        if (node.has("top_k")) {
            b.topK(integer(node, "top_k"));
        }
        if (node.has("min_p")) {
            b.minP(number(node, "min_p"));
        }
        if (node.has("repetition_penalty")) {
            b.repetitionPenalty(number(node, "repetition_penalty"));
        }
        if (node.has("seed")) {
            JsonNode s = node.get("seed");
            if (!s.canConvertToLong()) {
                throw new IllegalArgumentException("'seed' must be an integer, was " + s);
            }
            b.seed(s.asLong());
        }
        if (node.has("priority")) {
            b.priority(integer(node, "priority"));
        }
        if (node.has("stop")) {
            JsonNode s = node.get("stop");
            List<String> stops = new ArrayList<>();
            if (s.isTextual()) {
                stops.add(s.asText());
            } else if (s.isArray()) {
                s.forEach(x -> stops.add(x.asText()));
            } else {
                throw new IllegalArgumentException("'stop' must be a string or an array of strings");
            }
            b.stopStrings(stops);
        }
        return b;
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string, was " + v);
        }
        return v.asText();
    }

    private static int integer(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("'" + key + "' must be an integer, was " + v);
        }
        return v.asInt();
    }

    private static double number(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("'" + key + "' must be a number, was " + v);
        }
        return v.asDouble();
    }
}
