package dev.railyard.host.tokenizer;

/**
 * Rewrites text before pre-tokenization (the {@code "normalizer"} section): Unicode normalization,
 * SentencePiece's space → {@code '▁'}, and the like. Added tokens are cut out before, so they are
 * never normalized.
 */
@FunctionalInterface
interface Normalizer {

    /** Leaves text as it is. */
    Normalizer NONE = text -> text;

    String normalize(String text);
}
