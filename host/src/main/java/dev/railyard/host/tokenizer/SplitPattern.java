package dev.railyard.host.tokenizer;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a Hugging Face regex (written for the Oniguruma engine) as a {@link Pattern} that
 * matches the same way.
 *
 * <p>The patterns of GPT-2, Llama 3 and Qwen2 use {@code \p{L}}, {@code \p{N}}, {@code (?i:...)},
 * lookahead and possessive quantifiers, which {@code java.util.regex} has as well; what differs is
 * that Oniguruma's {@code \s}, {@code \d} and {@code \w} are Unicode-aware, so the pattern is compiled
 * with {@link Pattern#UNICODE_CHARACTER_CLASS}. Two Oniguruma spellings are translated: {@code \h}
 * (a hex digit there, horizontal space in Java) and script properties written without Java's
 * {@code Is} prefix, such as {@code \p{Han}}.
 */
final class SplitPattern {

    private static final Pattern BARE_PROPERTY = Pattern.compile("\\\\([pP])\\{(\\^?)([A-Za-z_ ]+)}");

    private SplitPattern() {}

    /** Compiles {@code regex}; throws {@link PatternSyntaxException} if Java cannot take it. */
    static Pattern compile(String regex) {
        String translated = translateHexDigitClass(regex);
        try {
            return Pattern.compile(translated, Pattern.UNICODE_CHARACTER_CLASS);
        } catch (PatternSyntaxException e) {
            String withScripts = prefixScriptNames(translated);
            if (withScripts.equals(translated)) {
                throw e;
            }
            return Pattern.compile(withScripts, Pattern.UNICODE_CHARACTER_CLASS);
        }
    }

    /** Oniguruma's {@code \h} / {@code \H} (hex digit / not) into explicit classes. */
    private static String translateHexDigitClass(String regex) {
        StringBuilder out = new StringBuilder(regex.length());
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\' && i + 1 < regex.length()) {
                char escaped = regex.charAt(++i);
                switch (escaped) {
                    case 'h' -> out.append("[0-9a-fA-F]");
                    case 'H' -> out.append("[^0-9a-fA-F]");
                    default -> out.append('\\').append(escaped);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** {@code \p{Han}} → {@code \p{IsHan}} for names Java does not know without the prefix. */
    private static String prefixScriptNames(String regex) {
        Matcher matcher = BARE_PROPERTY.matcher(regex);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(3);
            String replacement = knownWithoutPrefix(name)
                    ? matcher.group()
                    : "\\" + matcher.group(1) + "{" + matcher.group(2) + "Is" + name.replace(" ", "_") + "}";
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static boolean knownWithoutPrefix(String name) {
        try {
            Pattern.compile("\\p{" + name + "}");
            return true;
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
