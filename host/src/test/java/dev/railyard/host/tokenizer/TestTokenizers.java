package dev.railyard.host.tokenizer;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** The tokenizer.json files under {@code src/test/resources/tokenizer}, loaded once per test run. */
final class TestTokenizers {

    /** Every test tokenizer, by the name its files start with. */
    static final List<String> ALL = List.of("gpt2", "llama3-layout", "qwen2-layout", "llama2-layout", "metaspace-layout");
    /** The byte-level BPE ones (lossless for any text). */
    static final List<String> BYTE_LEVEL = List.of("gpt2", "llama3-layout", "qwen2-layout");
    /** The SentencePiece-style ones with byte fallback. */
    static final List<String> SENTENCE_PIECE = List.of("llama2-layout", "metaspace-layout");

    private static final ConcurrentHashMap<String, Tokenizer> LOADED = new ConcurrentHashMap<>();

    private TestTokenizers() {}

    static Tokenizer get(String name) {
        return LOADED.computeIfAbsent(name, n -> Tokenizer.load(path(n + ".tokenizer.json")));
    }

    /** A file under the test resources' {@code tokenizer/} folder. */
    static Path path(String relative) {
        URL url = TestTokenizers.class.getResource("/tokenizer/" + relative);
        if (url == null) {
            throw new IllegalStateException("missing test resource tokenizer/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
