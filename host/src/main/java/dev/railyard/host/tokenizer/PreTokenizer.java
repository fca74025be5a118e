package dev.railyard.host.tokenizer;

import java.util.List;

/**
 * Cuts normalized text into the words that the BPE model encodes one by one (the
 * {@code "pre_tokenizer"} section). Words never merge across these cuts.
 */
interface PreTokenizer {

    /** Leaves the text whole. */
    PreTokenizer NONE = (text, atInputStart, out) -> out.add(text);

    /**
     * Appends the words of {@code text} to {@code out}, leaving out empty ones.
     *
     * @param atInputStart whether {@code text} begins at the very start of the input (not after an
     *     added token); Metaspace's {@code prepend_scheme: "first"} depends on it
     */
    void split(String text, boolean atInputStart, List<String> out);
}
