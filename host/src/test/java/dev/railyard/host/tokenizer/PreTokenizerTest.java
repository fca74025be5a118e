package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Pre-tokenizers against what the Hugging Face implementation cuts (answers from tokenizers 0.23.2). */
class PreTokenizerTest {

    static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    @Test
    void llama3PatternWorksInJavaRegex() {
        PreTokenizer split = new SplitPreTokenizer(SplitPattern.compile(LLAMA3_PATTERN), SplitBehavior.ISOLATED, false);
        assertThat(words(split, "Hello world's 1234567 DON'T!!\n\n  x\u00a0y\u3000z  "))
                .containsExactly("Hello", " world", "'s", " ", "123", "456", "7", " DON", "'T", "!!\n\n", " ", " x",
                        "\u00a0y", "\u3000z", "  ");
    }

    @Test
    void byteLevelUsesTheGpt2PatternAndSpellsBytesInItsAlphabet() {
        assertThat(words(new ByteLevelPreTokenizer(false, true), "Hello world's  12345 :)\n"))
                .containsExactly("Hello", "Ġworld", "'s", "Ġ", "Ġ12345", "Ġ:)", "Ċ");
        assertThat(words(new ByteLevelPreTokenizer(true, true), "Hello")).containsExactly("ĠHello");
        assertThat(words(new ByteLevelPreTokenizer(false, false), "é x")).containsExactly("Ã©Ġx");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "REMOVED              | false | a,b,c",
        "REMOVED              | true  | -,-,-,-",
        "ISOLATED             | false | a,-,b,-,-,c,-",
        "MERGED_WITH_PREVIOUS | false | a-,b-,-,c-",
        "MERGED_WITH_PREVIOUS | true  | a,-b,-,-c,-",
        "MERGED_WITH_NEXT     | false | a,-b,-,-c,-",
        "MERGED_WITH_NEXT     | true  | a-,b-,-,c-",
        "CONTIGUOUS           | false | a,-,b,--,c,-",
    })
    void splitBehavesLikeHuggingFace(SplitBehavior behavior, boolean invert, String expected) {
        PreTokenizer split = new SplitPreTokenizer(Pattern.compile(Pattern.quote("-")), behavior, invert);
        assertThat(words(split, "a-b--c-")).containsExactly(expected.split(","));
    }

    @Test
    void metaspaceReplacesSpacesAndPrependsAsItsSchemeSays() {
        PreTokenizer always = new MetaspacePreTokenizer('▁', MetaspacePreTokenizer.PrependScheme.ALWAYS, true);
        assertThat(words(always, "Hello  big world")).containsExactly("▁Hello", "▁", "▁big", "▁world");
        PreTokenizer first = new MetaspacePreTokenizer('▁', MetaspacePreTokenizer.PrependScheme.FIRST, false);
        assertThat(words(first, "Hello world")).containsExactly("▁Hello▁world");
        assertThat(wordsAfterAnAddedToken(first, "Hello world")).containsExactly("Hello▁world");
    }

    @Test
    void digitsCutsNumbersOff() {
        assertThat(words(new DigitsPreTokenizer(true), "ab123c4")).containsExactly("ab", "1", "2", "3", "c", "4");
        assertThat(words(new DigitsPreTokenizer(false), "ab123c4")).containsExactly("ab", "123", "c", "4");
    }

    @Test
    void punctuationAndWhitespaceFromJson() {
        String text = "Hey, you!! $5+3=8 «quoted» ¿qué? it's-ok";
        assertThat(words(fromJson("{\"type\": \"Punctuation\", \"behavior\": \"Isolated\"}"), text)).containsExactly(
                "Hey", ",", " you", "!", "!", " ", "$", "5", "+", "3", "=", "8 ", "«", "quoted", "»", " ", "¿", "qué", "?",
                " it", "'", "s", "-", "ok");
        assertThat(words(fromJson("{\"type\": \"Whitespace\"}"), text)).containsExactly(
                "Hey", ",", "you", "!!", "$", "5", "+", "3", "=", "8", "«", "quoted", "»", "¿", "qué", "?", "it", "'", "s",
                "-", "ok");
    }

    @Test
    void onigurumaSpellingsAreTranslated() {
        assertThat(SplitPattern.compile("\\p{Han}+").matcher("漢字").matches()).isTrue();
        assertThat(SplitPattern.compile("\\h+").matcher("09afAF").matches()).isTrue();
        assertThat(SplitPattern.compile("\\s").matcher("\u3000").matches()).isTrue(); // Unicode-aware \s
    }

    private static PreTokenizer fromJson(String json) {
        TokenizerJson parsed = TokenizerJson.parse("{\"pre_tokenizer\": " + json + "}", java.nio.file.Path.of("test"));
        return PreTokenizers.fromJson(parsed.section("pre_tokenizer"), parsed);
    }

    private static List<String> words(PreTokenizer preTokenizer, String text) {
        List<String> out = new ArrayList<>();
        preTokenizer.split(text, true, out);
        return out;
    }

    private static List<String> wordsAfterAnAddedToken(PreTokenizer preTokenizer, String text) {
        List<String> out = new ArrayList<>();
        preTokenizer.split(text, false, out);
        return out;
    }
}
