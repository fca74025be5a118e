package dev.railyard.conformance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain through the CLI against transformers' own outputs: {@code railyard generate
 * --model llama-gqa --backend cpu-reference --prompts-file F --temperature 0 --max-tokens 40
 * --output json} gives the golden greedy tokens up to the first step whose reference margin is
 * under 1e-3; a bad line gets its own error while the others run.
 */
class GenerateGoldenTest {

    private static final Path GOLDEN = Path.of("../host/src/test/resources/golden/llama-gqa");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void greedyTokensMatchTransformersThroughTheCli() throws Exception {
        JsonNode golden = JSON.readTree(GOLDEN.resolve("golden.json").toFile());
        List<String> lines = new ArrayList<>();
        for (JsonNode c : golden.get("cases")) {
            lines.add("{\"prompt_tokens\": " + c.get("prompt") + "}");
        }
        lines.add("{\"prompt_tokens\": [1, 2], \"max_tokns\": 3}");
        lines.add("{\"prompt_tokens\": []}");
        Path prompts = tmp.resolve("prompts.jsonl");
        Files.write(prompts, lines);
        String out = CliOutput.of("generate", "--model", GOLDEN.toString(), "--backend", "cpu-reference", "--prompts-file",
                prompts.toString(), "--temperature", "0", "--max-tokens", "40", "--output", "json", "--num-blocks", "256");
        List<JsonNode> results = new ArrayList<>();
        for (String l : out.strip().split("\n")) {
            results.add(JSON.readTree(l));
        }
        assertThat(results).hasSize(lines.size());
        int i = 0;
        for (JsonNode c : golden.get("cases")) {
            JsonNode r = results.get(i);
            assertThat(r.get("index").asInt()).isEqualTo(i);
            int required = firstLowMargin(c.get("step_margins"));
            for (int s = 0; s < required; s++) {
                assertThat(r.get("tokens").get(s).asInt()).as("case %d step %d", i, s).isEqualTo(c.get("greedy").get(s).asInt());
            }
            assertThat(r.get("finish_reason").asText()).isEqualTo("length");
            assertThat(r.get("prompt_tokens")).isEqualTo(c.get("prompt"));
            i++;
        }
        assertThat(results.get(i).get("error").asText()).contains("unknown option 'max_tokns'");
        assertThat(results.get(i + 1).get("error").asText()).contains("prompt is empty");
    }

    private static int firstLowMargin(JsonNode margins) {
        for (int i = 0; i < margins.size(); i++) {
            if (margins.get(i).asDouble() < 1e-3) {
                return i;
            }
        }
        return margins.size();
    }
}
