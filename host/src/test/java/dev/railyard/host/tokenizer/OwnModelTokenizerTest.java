package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Loads every {@code models/*}{@code /tokenizer.json} of the repository (our own model's tokenizer,
 * trained with Hugging Face {@code tokenizers}) and checks that it round-trips text. Skipped while
 * the repository has none.
 */
class OwnModelTokenizerTest {

    @Test
    void everyTokenizerUnderModelsLoadsAndRoundTrips() throws IOException {
        List<Path> files = ownTokenizers();
        assumeFalse(files.isEmpty(), "no models/*/tokenizer.json in the repository yet; nothing to check");
        SoftAssertions softly = new SoftAssertions();
        for (Path file : files) {
            Tokenizer tokenizer = Tokenizer.load(file);
            softly.assertThat(tokenizer.vocabSize()).as("%s vocab size", file).isPositive();
            for (String text : RoundTripTest.TEXTS) {
                int[] ids = tokenizer.encode(text);
                softly.assertThat(String.join("", StreamingDecoderTest.stream(tokenizer.newStreamingDecoder(), ids)))
                        .as("%s streaming equals decode for %s", file, text).isEqualTo(tokenizer.decode(ids));
            }
            softly.assertThat(tokenizer.decode(tokenizer.encode("Hello, world!")))
                    .as("%s round trip", file).isEqualTo("Hello, world!");
        }
        softly.assertAll();
        assertThat(files).isNotEmpty();
    }

    /** models/*&#47;tokenizer.json under the repository root, found from the working directory upwards. */
    private static List<Path> ownTokenizers() throws IOException {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path models = dir.resolve("models");
            if (Files.isDirectory(models) && Files.exists(dir.resolve("pom.xml"))) {
                try (Stream<Path> children = Files.list(models)) {
                    return children.map(child -> child.resolve("tokenizer.json")).filter(Files::isRegularFile).sorted().toList();
                }
            }
        }
        return List.of();
    }
}
