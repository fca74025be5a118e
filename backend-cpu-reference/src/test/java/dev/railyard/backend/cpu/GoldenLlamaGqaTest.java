package dev.railyard.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.model.LoadedModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The backend against what Hugging Face transformers computed for the golden tiny Llama (GQA,
 * untied head; see {@code golden/README.md}), read by {@link GoldenCheckpoint}: every
 * logits row within relative L2 1e-4, and greedy decoding equal up to the first step whose
 * top-2 margin in the reference is under 1e-3.
 */
class GoldenLlamaGqaTest {

    static final double TOLERANCE = 1e-4;
    static final double COIN_TOSS_MARGIN = 1e-3;

    static LoadedModel model;
    static JsonNode golden;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        Path dir = Path.of(GoldenLlamaGqaTest.class.getResource("/golden/llama-gqa/config.json").toURI()).getParent();
        model = GoldenCheckpoint.load(dir);
        golden = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
    }

    @AfterAll
    static void close() {
        model.weights().close();
    }

    @Test
    void promptLogitsMatchTransformers() {
        try (Backend backend = TestBackends.open(model, 2, 16, 128)) {
            for (JsonNode c : golden.get("cases")) {
                int[] prompt = ints(c.get("prompt"));
                Driver d = Driver.sequential(backend);
                List<float[]> rows = d.prefillAll(d.newSequence(), prompt);
                check(rows.get(prompt.length - 1), c.get("last_logits"), "prompt of " + prompt.length + ", last");
                Iterator<String> keys = c.get("logits_rows").fieldNames();
                while (keys.hasNext()) {
                    String k = keys.next();
                    check(rows.get(Integer.parseInt(k)), c.get("logits_rows").get(k),
                            "prompt of " + prompt.length + ", position " + k);
                }
            }
        }
    }

    @Test
    void greedyDecodingMatchesTransformers() {
        try (Backend backend = TestBackends.open(model, 2, 16, 128)) {
            for (JsonNode c : golden.get("cases")) {
                int[] prompt = ints(c.get("prompt"));
                int[] greedy = ints(c.get("greedy"));
                JsonNode margins = c.get("step_margins");
                Driver d = Driver.sequential(backend);
                Driver.Seq seq = d.newSequence();
                float[] logits = d.step(List.of(Driver.Chunk.last(seq, prompt))).get(0);
                List<Integer> ours = new ArrayList<>();
                int owed = 0;
                for (int i = 0; i < greedy.length; i++) {
                    if (margins.get(i).asDouble() < COIN_TOSS_MARGIN) {
                        break;
                    }
                    owed++;
                    int next = Driver.argmax(logits);
                    ours.add(next);
                    if (next != greedy[i]) {
                        break;
                    }
                    logits = d.step(List.of(Driver.Chunk.last(seq, next))).get(0);
                }
                List<Integer> expected = new ArrayList<>();
                for (int i = 0; i < owed; i++) {
                    expected.add(greedy[i]);
                }
                System.out.printf("golden greedy after a prompt of %d: %d tokens owed, %d equal%n", prompt.length, owed,
                        (int) java.util.stream.IntStream.range(0, Math.min(ours.size(), owed))
                                .takeWhile(i -> ours.get(i) == greedy[i]).count());
                assertThat(ours).as("greedy tokens after a prompt of %d (owed %d)", prompt.length, owed)
                        .isEqualTo(expected);
                seq.release();
            }
        }
    }

    private static void check(float[] ours, JsonNode ref, String what) {
        double[] expected = new double[ref.size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = ref.get(i).asDouble();
        }
        assertThat(ours).hasSize(expected.length);
        double err = ReferenceTransformer.relativeL2(ours, expected);
        System.out.printf("golden %-28s relative L2 %.2e%n", what, err);
        assertThat(err).as("relative L2 error, %s", what).isLessThan(TOLERANCE);
    }

    private static int[] ints(JsonNode a) {
        int[] r = new int[a.size()];
        for (int i = 0; i < r.length; i++) {
            r[i] = a.get(i).asInt();
        }
        return r;
    }
}
