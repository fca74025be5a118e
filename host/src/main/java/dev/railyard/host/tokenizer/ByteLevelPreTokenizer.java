package dev.railyard.host.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The Hugging Face {@code ByteLevel} pre-tokenizer: optionally puts a space in front
 * ({@code add_prefix_space}), optionally cuts with the GPT-2 word regex ({@code use_regex}), and
 * spells every word's UTF-8 bytes in the {@link ByteLevelAlphabet}, which is what byte-level BPE
 * vocabularies are written in.
 */
final class ByteLevelPreTokenizer implements PreTokenizer {

    /** The GPT-2 word pattern that {@code use_regex: true} means. */
    static final String GPT2_PATTERN =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    private static final PreTokenizer GPT2_WORDS =
            new SplitPreTokenizer(SplitPattern.compile(GPT2_PATTERN), SplitBehavior.ISOLATED, false);

    private final boolean addPrefixSpace;
    private final boolean useRegex;

    ByteLevelPreTokenizer(boolean addPrefixSpace, boolean useRegex) {
        this.addPrefixSpace = addPrefixSpace;
        this.useRegex = useRegex;
    }

    @Override
    public void split(String text, boolean atInputStart, List<String> out) {
        if (text.isEmpty()) {
            return;
        }
        if (addPrefixSpace && !text.startsWith(" ")) {
            text = " " + text;
        }
        if (!useRegex) {
            out.add(ByteLevelAlphabet.encode(text));
            return;
        }
        List<String> words = new ArrayList<>();
        GPT2_WORDS.split(text, atInputStart, words);
        for (String word : words) {
            out.add(ByteLevelAlphabet.encode(word));
        }
    }
}
