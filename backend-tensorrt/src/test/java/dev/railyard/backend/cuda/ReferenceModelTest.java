package dev.railyard.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.host.model.ModelLoader;
import dev.railyard.spi.model.LoadedModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The GPU checks' reference forward pass reproduces transformers' golden logits (so the GPU is checked against the truth). */
class ReferenceModelTest {

    /** The golden model: a system property, the cpu-reference module's test resources, or the shared copy. */
    static Path goldenDir() {
        String prop = System.getProperty("railyard.golden");
        List<Path> candidates = prop != null ? List.of(Path.of(prop)) : List.of(
                Path.of("../backend-cpu-reference/src/test/resources/golden/llama-gqa"),
                Path.of("../../shared/golden/llama-gqa"), Path.of("../shared/golden/llama-gqa"),
                Path.of("/work/shared/golden/llama-gqa"));
        for (Path p : candidates) {
            if (Files.exists(p.resolve("golden.json")) && Files.exists(p.resolve("model.safetensors"))) {
                return p;
            }
        }
        return null;
    }

    @Test
    void referenceMatchesTransformers() throws Exception {
        Path dir = goldenDir();
        assumeTrue(dir != null, "golden model llama-gqa not found (set -Drailyard.golden=DIR)");
        JsonNode g = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        LoadedModel m = ModelLoader.load(dir);
        try {
            ReferenceModel ref = new ReferenceModel(m);
            double worst = 0;
            for (JsonNode c : g.get("cases")) {
                if (c.get("prompt").size() > 64) {
                    continue; // the O(n^2) double-precision reference is slow for the 300-token case
                }
                int[] prompt = new int[c.get("prompt").size()];
                for (int i = 0; i < prompt.length; i++) {
                    prompt[i] = c.get("prompt").get(i).asInt();
                }
                double[][] all = ref.logitsAll(prompt);
                float[] last = new float[all[0].length];
                for (int i = 0; i < last.length; i++) {
                    last[i] = (float) c.get("last_logits").get(i).asDouble();
                }
                double[] lastRef = new double[last.length];
                for (int i = 0; i < last.length; i++) {
                    lastRef[i] = all[prompt.length - 1][i];
                }
                worst = Math.max(worst, ReferenceModel.relL2(last, 0, lastRef));
                int argmax = 0;
                for (int i = 1; i < lastRef.length; i++) {
                    if (lastRef[i] > lastRef[argmax]) {
                        argmax = i;
                    }
                }
                assertThat(argmax).isEqualTo(c.get("greedy").get(0).asInt());
            }
            assertThat(worst).isLessThan(1e-4);
        } finally {
            m.weights().close();
        }
    }
}
