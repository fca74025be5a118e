package dev.railyard.host.tokenizer;

import java.util.ArrayList;
import java.util.List;

/**
 * What a split does with the delimiters it finds, as in the Hugging Face {@code Split}
 * pre-tokenizer's {@code "behavior"}.
 */
enum SplitBehavior {
    /** Delimiters are dropped. */
    REMOVED,
    /** Each delimiter is a word of its own. */
    ISOLATED,
    /** Each delimiter ends the word before it. */
    MERGED_WITH_PREVIOUS,
    /** Each delimiter starts the word after it. */
    MERGED_WITH_NEXT,
    /** Runs of delimiters form one word, as do runs of the rest. */
    CONTIGUOUS;

    /** The behavior named in a tokenizer.json ("Isolated", "MergedWithNext", ...), or null if unknown. */
    static SplitBehavior fromJsonName(String name) {
        return switch (name) {
            case "Removed" -> REMOVED;
            case "Isolated" -> ISOLATED;
            case "MergedWithPrevious" -> MERGED_WITH_PREVIOUS;
            case "MergedWithNext" -> MERGED_WITH_NEXT;
            case "Contiguous" -> CONTIGUOUS;
            default -> null;
        };
    }

    /**
     * Cuts {@code text} given its spans, each {@code [start, end, isDelimiter]} in order and covering
     * the whole text, and appends the non-empty words.
     */
    void cut(String text, List<int[]> spans, List<String> out) {
        List<int[]> words = switch (this) {
            case REMOVED -> spans.stream().filter(s -> s[2] == 0).toList();
            case ISOLATED -> spans;
            case MERGED_WITH_PREVIOUS -> mergedWithPrevious(spans);
            case MERGED_WITH_NEXT -> mergedWithNext(spans);
            case CONTIGUOUS -> contiguous(spans);
        };
        for (int[] word : words) {
            if (word[1] > word[0]) {
                out.add(text.substring(word[0], word[1]));
            }
        }
    }

    private static List<int[]> mergedWithPrevious(List<int[]> spans) {
        List<int[]> words = new ArrayList<>();
        boolean previousDelimiter = false;
        for (int[] span : spans) {
            boolean delimiter = span[2] == 1;
            if (delimiter && !previousDelimiter && !words.isEmpty()) {
                words.getLast()[1] = span[1];
            } else {
                words.add(new int[] {span[0], span[1], 0});
            }
            previousDelimiter = delimiter;
        }
        return words;
    }

    private static List<int[]> mergedWithNext(List<int[]> spans) {
        List<int[]> reversed = new ArrayList<>();
        boolean previousDelimiter = false;
        for (int i = spans.size() - 1; i >= 0; i--) {
            int[] span = spans.get(i);
            boolean delimiter = span[2] == 1;
            if (delimiter && !previousDelimiter && !reversed.isEmpty()) {
                reversed.getLast()[0] = span[0];
            } else {
                reversed.add(new int[] {span[0], span[1], 0});
            }
            previousDelimiter = delimiter;
        }
        return reversed.reversed();
    }

    private static List<int[]> contiguous(List<int[]> spans) {
        List<int[]> words = new ArrayList<>();
        boolean previousDelimiter = false;
        for (int[] span : spans) {
            boolean delimiter = span[2] == 1;
            if (delimiter == previousDelimiter && !words.isEmpty()) {
                words.getLast()[1] = span[1];
            } else {
                words.add(new int[] {span[0], span[1], 0});
            }
            previousDelimiter = delimiter;
        }
        return words;
    }
}
