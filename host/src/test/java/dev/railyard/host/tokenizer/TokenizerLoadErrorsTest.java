package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading fails with a {@link TokenizerException} that names the file and the problem. */
class TokenizerLoadErrorsTest {

    private static final String VALID_BPE = """
            {"added_tokens":[],"normalizer":null,"pre_tokenizer":%s,"post_processor":null,"decoder":%s,
             "model":{"type":"BPE","vocab":{"a":0,"b":1,"ab":2},"merges":%s}}
            """;

    @TempDir
    Path dir;

    @Test
    void missingFile() {
        Path missing = dir.resolve("nope/tokenizer.json");
        assertThatThrownBy(() -> Tokenizer.load(missing))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("not found")
                .hasMessageContaining(missing.toString());
    }

    @Test
    void directoryInsteadOfFile() {
        assertThatThrownBy(() -> Tokenizer.load(dir))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("not a regular file");
    }

    @Test
    void malformedJson() throws IOException {
        Path file = write("{\"model\": {\"type\": \"BPE\", ");
        assertThatThrownBy(() -> Tokenizer.load(file))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("malformed JSON")
                .hasMessageContaining(file.toString());
    }

    @Test
    void topLevelNotAnObject() throws IOException {
        Path file = write("[1, 2, 3]");
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("not a JSON object");
    }

    @Test
    void unsupportedModelType() throws IOException {
        Path file = write("{\"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", 0.0]]}}");
        assertThatThrownBy(() -> Tokenizer.load(file))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("unsupported model type \"Unigram\"")
                .hasMessageContaining("only BPE")
                .hasMessageContaining(file.toString());
    }

    @Test
    void missingModel() throws IOException {
        Path file = write("{\"added_tokens\": []}");
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("no \"model\"");
    }

    @Test
    void unsupportedPreTokenizer() throws IOException {
        Path file = write(VALID_BPE.formatted("{\"type\": \"BertPreTokenizer\"}", "null", "[\"a b\"]"));
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("unsupported pre_tokenizer type \"BertPreTokenizer\"");
    }

    @Test
    void unsupportedDecoder() throws IOException {
        Path file = write(VALID_BPE.formatted("null", "{\"type\": \"WordPiece\", \"prefix\": \"##\"}", "[\"a b\"]"));
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("unsupported decoder type \"WordPiece\"");
    }

    @Test
    void mergeOfAnUnknownToken() throws IOException {
        Path file = write(VALID_BPE.formatted("null", "null", "[[\"a\", \"c\"]]"));
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("merge #0 uses \"c\", which is not in the vocabulary");
    }

    @Test
    void malformedMerge() throws IOException {
        Path file = write(VALID_BPE.formatted("null", "null", "[\"a b c\"]"));
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("merge #0");
    }

    @Test
    void regexJavaCannotCompile() throws IOException {
        String split = "{\"type\": \"Split\", \"pattern\": {\"Regex\": \"(unclosed\"}, \"behavior\": \"Isolated\"}";
        Path file = write(VALID_BPE.formatted(split, "null", "[\"a b\"]"));
        assertThatThrownBy(() -> Tokenizer.load(file)).isInstanceOf(TokenizerException.class)
                .hasMessageContaining("regex cannot be compiled");
    }

    private Path write(String json) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, json);
        return file;
    }
}
