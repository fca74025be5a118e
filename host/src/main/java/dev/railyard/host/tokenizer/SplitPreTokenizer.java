package dev.railyard.host.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Hugging Face {@code Split} pre-tokenizer: finds a pattern's matches (the delimiters; with
 * {@code invert} the matches are the words and the gaps the delimiters) and cuts the text as its
 * {@link SplitBehavior} says. Llama 3 and Qwen2 use it with their word regex and {@code Isolated}.
 */
final class SplitPreTokenizer implements PreTokenizer {

    private final Pattern pattern;
    private final SplitBehavior behavior;
    private final boolean invert;

    SplitPreTokenizer(Pattern pattern, SplitBehavior behavior, boolean invert) {
        this.pattern = pattern;
        this.behavior = behavior;
        this.invert = invert;
    }

    @Override
    public void split(String text, boolean atInputStart, List<String> out) {
        if (behavior == SplitBehavior.ISOLATED && !invert) {
            isolate(text, out); // the common case, without the span list
            return;
        }
        List<int[]> spans = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        int previous = 0;
        while (matcher.find()) {
            if (matcher.end() == matcher.start()) {
                continue;
            }
            if (matcher.start() > previous) {
                spans.add(new int[] {previous, matcher.start(), invert ? 1 : 0});
            }
            spans.add(new int[] {matcher.start(), matcher.end(), invert ? 0 : 1});
            previous = matcher.end();
        }
        if (previous < text.length()) {
            spans.add(new int[] {previous, text.length(), invert ? 1 : 0});
        }
        behavior.cut(text, spans, out);
    }

    private void isolate(String text, List<String> out) {
        Matcher matcher = pattern.matcher(text);
        int previous = 0;
        while (matcher.find()) {
            if (matcher.start() > previous) {
                out.add(text.substring(previous, matcher.start()));
            }
            if (matcher.end() > matcher.start()) {
                out.add(text.substring(matcher.start(), matcher.end()));
            }
            previous = Math.max(previous, matcher.end());
        }
        if (previous < text.length()) {
            out.add(text.substring(previous));
        }
    }
}
