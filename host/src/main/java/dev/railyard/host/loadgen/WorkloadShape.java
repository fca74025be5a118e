package dev.railyard.host.loadgen;

import java.util.SplittableRandom;

/**
 * A seeded workload: request {@code i} is always the same for the same seed, whatever the order
 * or timing of the run. Prompts are random token ids (exact lengths) or random words (about one
 * token each with a BPE tokenizer).
 *
 * @param promptLength prompt lengths in tokens
 * @param outputLength output lengths in tokens
 * @param kind token ids or text
 * @param vocabSize token ids are drawn from {@code [0, vocabSize)} (TOKENS only)
 * @param maxContext when above 0, prompt plus output is kept within it
 * @param seed the seed
 */
public record WorkloadShape(LengthDistribution promptLength, LengthDistribution outputLength, PromptKind kind, int vocabSize,
                            int maxContext, long seed) {

    /** How prompts are written. */
    public enum PromptKind { TEXT, TOKENS }

    private static final String[] WORDS = ("the of and to in is it that for on with as was at by this be from or have an are "
            + "not but all can one which there we were has more will if about out up so into time what when your them would "
            + "make like just over only new some could these two may first then do any now my other than its most after "
            + "def return class import self value list string number data file function error result print while else "
            + "true false none int float test code line name type index count start end left right node tree map key "
            + "system model server request token batch cache block engine queue stream").split(" ");

    public WorkloadShape {
        if (kind == PromptKind.TOKENS && vocabSize < 2) {
            throw new IllegalArgumentException("token prompts need the vocabulary size (at least 2), was " + vocabSize);
        }
    }

    /** Request {@code index}. */
    public WorkItem item(int index) {
        SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int prompt = promptLength.sample(r);
        int output = outputLength.sample(r);
        if (maxContext > 0) {
            prompt = Math.min(prompt, Math.max(1, maxContext - 2));
            output = Math.max(1, Math.min(output, maxContext - 1 - prompt));
        }
        if (kind == PromptKind.TOKENS) {
            int[] ids = new int[prompt];
            for (int i = 0; i < prompt; i++) {
                ids[i] = r.nextInt(vocabSize);
            }
            return new WorkItem(index, null, ids, prompt, output);
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < prompt; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(WORDS[r.nextInt(WORDS.length)]);
        }
        return new WorkItem(index, sb.toString(), null, prompt, output);
    }

    public String describe() {
        return (kind == PromptKind.TOKENS ? "token" : "text") + " prompts " + promptLength.spec() + ", outputs " + outputLength.spec()
                + ", seed " + seed;
    }
}
