package dev.railyard.host.tokenizer;

import java.util.List;

/**
 * The Hugging Face {@code Metaspace} pre-tokenizer (SentencePiece style, newer Llama and Mistral
 * exports): replaces spaces with {@code '▁'}, puts a {@code '▁'} in front as
 * {@code prepend_scheme} says ({@code "always"}, {@code "first"}: only at the start of the input,
 * {@code "never"}), and with {@code split} cuts before each {@code '▁'}.
 */
final class MetaspacePreTokenizer implements PreTokenizer {

    /** When to put the replacement character in front. */
    enum PrependScheme { ALWAYS, FIRST, NEVER }

    private final String replacement;
    private final PrependScheme prependScheme;
    private final boolean split;

    MetaspacePreTokenizer(int replacement, PrependScheme prependScheme, boolean split) {
        this.replacement = Character.toString(replacement);
        this.prependScheme = prependScheme;
        this.split = split;
    }

    @Override
    public void split(String text, boolean atInputStart, List<String> out) {
        if (text.isEmpty()) {
            return;
        }
        String replaced = text.replace(" ", replacement);
        boolean prepend = switch (prependScheme) {
            case ALWAYS -> true;
            case FIRST -> atInputStart;
            case NEVER -> false;
        };
        if (prepend && !replaced.startsWith(replacement)) {
            replaced = replacement + replaced;
        }
        if (!split) {
            out.add(replaced);
            return;
        }
        int start = 0;
        for (int i = replaced.indexOf(replacement, 1); i >= 0; i = replaced.indexOf(replacement, i + 1)) {
            if (i > start) {
                out.add(replaced.substring(start, i));
                start = i;
            }
        }
        out.add(replaced.substring(start));
    }
}
