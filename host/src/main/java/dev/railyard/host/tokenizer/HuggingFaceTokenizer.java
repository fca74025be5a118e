package dev.railyard.host.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@link Tokenizer} of a {@code tokenizer.json}, running the Hugging Face pipeline:
 * {@link AddedTokenSplitter} → {@link Normalizer} → {@link PreTokenizer} → {@link BpeModel} →
 * {@link PostProcessor} to encode, and {@link TokenDecoder} through an {@link IncrementalDecoder} to
 * decode. Byte-level BPE (GPT-2, Llama 3, Qwen2) and SentencePiece-style BPE with byte fallback
 * (Llama 2, Mistral) are both just configurations of these parts.
 */
final class HuggingFaceTokenizer implements Tokenizer {

    private final AddedTokenSplitter addedTokens;
    private final Normalizer normalizer;
    private final PreTokenizer preTokenizer;
    private final BpeModel model;
    private final PostProcessor postProcessor;
    private final TokenDecoder decoder;
    private final Vocabulary vocabulary;

    private HuggingFaceTokenizer(List<AddedToken> added, Normalizer normalizer, PreTokenizer preTokenizer,
            BpeModel model, PostProcessor postProcessor, TokenDecoder decoder) {
        this.addedTokens = new AddedTokenSplitter(added);
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.model = model;
        this.postProcessor = postProcessor;
        this.decoder = decoder;
        this.vocabulary = new Vocabulary(model, added);
    }

    static HuggingFaceTokenizer load(Path file) {
        TokenizerJson json = TokenizerJson.read(file);
        BpeModel model = BpeModel.fromJson(json.section("model"), json);
        List<AddedToken> added = new ArrayList<>();
        JsonNode addedNode = json.section("added_tokens");
        if (addedNode != null) {
            if (!addedNode.isArray()) {
                throw json.error("\"added_tokens\" is not an array");
            }
            for (JsonNode token : addedNode) {
                added.add(AddedToken.fromJson(token, json));
            }
        }
        return new HuggingFaceTokenizer(added,
                Normalizers.fromJson(json.section("normalizer"), json),
                PreTokenizers.fromJson(json.section("pre_tokenizer"), json),
                model,
                PostProcessors.fromJson(json.section("post_processor"), json),
                TokenDecoder.fromJson(json.section("decoder"), json));
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        IdBuffer ids = new IdBuffer(text.length() / 3 + 4);
        List<String> words = new ArrayList<>();
        for (AddedTokenSplitter.Segment segment : addedTokens.split(text)) {
            if (segment.isToken()) {
                ids.add(segment.tokenId());
                continue;
            }
            String normalized = normalizer.normalize(segment.text());
            if (normalized.isEmpty()) {
                continue;
            }
            words.clear();
            preTokenizer.split(normalized, segment.start() == 0, words);
            for (String word : words) {
                model.encode(word, ids);
            }
        }
        int[] result = ids.toArray();
        return addSpecialTokens ? postProcessor.process(result) : result;
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        StreamingDecoder stream = newStreamingDecoder(skipSpecialTokens);
        StringBuilder text = new StringBuilder(ids.length * 4);
        for (int id : ids) {
            text.append(stream.next(id));
        }
        return text.append(stream.flush()).toString();
    }

    @Override
    public StreamingDecoder newStreamingDecoder(boolean skipSpecialTokens) {
        return new IncrementalDecoder(vocabulary, decoder, skipSpecialTokens);
    }

    @Override
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public OptionalInt tokenId(String token) {
        return vocabulary.id(token);
    }

    @Override
    public Optional<String> token(int id) {
        return Optional.ofNullable(vocabulary.token(id));
    }

    @Override
    public Set<Integer> specialTokenIds() {
        return vocabulary.specialIds();
    }
}
