package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The real GPT-2 tokenizer (merges in the {@code "a b"} string format): ids that are widely
 * published for it, its vocabulary, and speed on long inputs.
 */
class Gpt2TokenizerTest {

    private final Tokenizer gpt2 = TestTokenizers.get("gpt2");

    @Test
    void encodesWellKnownExamples() {
        assertThat(gpt2.encode("Hello world")).containsExactly(15496, 995);
        assertThat(gpt2.encode(" Hello world")).containsExactly(18435, 995);
        assertThat(gpt2.encode("Hello world<|endoftext|>")).containsExactly(15496, 995, 50256);
        assertThat(gpt2.encode(" the")).containsExactly(262);
        assertThat(gpt2.encode("\n\n")).containsExactly(628);
    }

    @Test
    void knowsItsVocabulary() {
        assertThat(gpt2.vocabSize()).isEqualTo(50257);
        assertThat(gpt2.tokenId("<|endoftext|>")).hasValue(50256);
        assertThat(gpt2.tokenId("Ġthe")).hasValue(262);
        assertThat(gpt2.tokenId("no such token")).isEmpty();
        assertThat(gpt2.token(262)).hasValue("Ġthe");
        assertThat(gpt2.token(50257)).isEmpty();
        assertThat(gpt2.specialTokenIds()).containsExactly(50256);
    }

    @Test
    void addsNothingForSpecialTokensBecauseItsPostProcessorIsByteLevelOnly() {
        assertThat(gpt2.encode("Hello world", true)).containsExactly(15496, 995);
    }

    @Test
    void decodesKeepingOrSkippingTheEndOfTextToken() {
        int[] ids = {15496, 995, 50256};
        assertThat(gpt2.decode(ids)).isEqualTo("Hello world<|endoftext|>");
        assertThat(gpt2.decode(ids, true)).isEqualTo("Hello world");
    }

    @Test
    void encodesLongTextQuickly() {
        String paragraph = "The quick brown fox jumps over the lazy dog; naïve café owners serve 12345 croissants! 🚀\n";
        String text = paragraph.repeat(4000); // ~360 KB
        int[] ids = org.junit.jupiter.api.Assertions.assertTimeout(Duration.ofSeconds(10), () -> gpt2.encode(text));
        assertThat(gpt2.decode(ids)).isEqualTo(text);
    }

    @Test
    void encodesAVeryLongWordWithoutQuadraticBlowUp() {
        // one pre-tokenized word of 200,000 letters: the merge loop must be n log n
        String word = "abcdefghij".repeat(20_000);
        int[] ids = org.junit.jupiter.api.Assertions.assertTimeout(Duration.ofSeconds(10), () -> gpt2.encode(word));
        assertThat(gpt2.decode(ids)).isEqualTo(word);
        assertThat(ids.length).isLessThan(word.length() / 2);
    }
}
