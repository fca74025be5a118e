package dev.railyard.host.tokenizer;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Text ↔ token ids, as defined by a Hugging Face {@code tokenizer.json}.
 *
 * <pre>{@code
 * Tokenizer tokenizer = Tokenizer.load(modelDir.resolve("tokenizer.json"));
 * int[] prompt = tokenizer.encode("Hello world", true);      // with BOS if the file adds one
 * StreamingDecoder out = tokenizer.newStreamingDecoder();
 * for (int id : generated) send(out.next(id));
 * send(out.flush());
 * }</pre>
 *
 * <p>Implementations are immutable and thread-safe; share one per model.
 */
public interface Tokenizer {

    /**
     * Loads a {@code tokenizer.json}.
     *
     * @throws TokenizerException naming the file and the problem when it is missing, is not valid
     *     JSON, or describes an unsupported model (only BPE is supported) or component
     */
    static Tokenizer load(Path tokenizerJson) {
        return HuggingFaceTokenizer.load(tokenizerJson);
    }

    /** Encodes {@code text} without adding special tokens such as BOS. */
    default int[] encode(String text) {
        return encode(text, false);
    }

    /**
     * Encodes {@code text}. Added tokens written in the text (such as {@code <|endoftext|>}) always
     * become their ids; {@code addSpecialTokens} additionally applies the file's post-processor,
     * which typically puts BOS in front.
     */
    int[] encode(String text, boolean addSpecialTokens);

    /** Decodes {@code ids}, special tokens included. */
    default String decode(int[] ids) {
        return decode(ids, false);
    }

    /**
     * Decodes {@code ids}; with {@code skipSpecialTokens}, added tokens marked {@code special} are
     * left out. Ids the tokenizer does not know are left out too.
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** A decoder for one stream of generated ids, keeping special tokens. */
    default StreamingDecoder newStreamingDecoder() {
        return newStreamingDecoder(false);
    }

    /** A decoder for one stream of generated ids, leaving out special tokens if asked. */
    StreamingDecoder newStreamingDecoder(boolean skipSpecialTokens);

    /** How many distinct token ids there are: the model's vocabulary plus the added tokens. */
    int vocabSize();

    /** The id of {@code token} (its vocabulary spelling, e.g. {@code "<|endoftext|>"}). */
    OptionalInt tokenId(String token);

    /** The vocabulary spelling of {@code id}. */
    Optional<String> token(int id);

    /** The ids of the added tokens marked {@code special}: BOS, EOS, chat markers and the like. */
    Set<Integer> specialTokenIds();
}
