package dev.railyard.host.tokenizer;

import java.util.ArrayList;
import java.util.List;

/** Several pre-tokenizers one after the other, each cutting the words the previous one made. */
final class SequencePreTokenizer implements PreTokenizer {

    private final List<PreTokenizer> steps;

    SequencePreTokenizer(List<PreTokenizer> steps) {
        this.steps = List.copyOf(steps);
    }

    @Override
    public void split(String text, boolean atInputStart, List<String> out) {
        List<String> words = List.of(text);
        for (PreTokenizer step : steps) {
            List<String> next = new ArrayList<>(words.size() * 2);
            for (int i = 0; i < words.size(); i++) {
                step.split(words.get(i), atInputStart && i == 0, next);
            }
            words = next;
        }
        out.addAll(words);
    }
}
