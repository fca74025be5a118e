package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** Streaming decoding gives whole characters only and adds up to {@link Tokenizer#decode}. */
class StreamingDecoderTest {

    static final List<String> TOKENIZERS = TestTokenizers.ALL;

    @ParameterizedTest
    @FieldSource("TOKENIZERS")
    void streamedPiecesAddUpToTheWholeDecodeAndAreNeverBrokenCharacters(String name) {
        Tokenizer tokenizer = TestTokenizers.get(name);
        SoftAssertions softly = new SoftAssertions();
        for (String text : RoundTripTest.texts()) {
            for (boolean skipSpecial : new boolean[] {false, true}) {
                int[] ids = tokenizer.encode(text, true);
                List<String> pieces = stream(tokenizer.newStreamingDecoder(skipSpecial), ids);
                softly.assertThat(String.join("", pieces)).as("%s stream of %s", name, text)
                        .isEqualTo(tokenizer.decode(ids, skipSpecial));
                for (String piece : pieces) {
                    softly.assertThat(isWellFormed(piece)).as("%s piece %s of %s", name, piece, text).isTrue();
                    softly.assertThat(piece).as("%s piece of %s", name, text).doesNotContain("\uFFFD");
                }
            }
        }
        softly.assertAll();
    }

    @Test
    void anEmojiSpreadOverSeveralByteTokensComesOutWithItsLastToken() {
        Tokenizer gpt2 = TestTokenizers.get("gpt2");
        int[] ids = gpt2.encode("🚀");
        assertThat(ids).hasSizeGreaterThan(1); // GPT-2 has no single token for it
        StreamingDecoder stream = gpt2.newStreamingDecoder();
        for (int i = 0; i < ids.length - 1; i++) {
            assertThat(stream.next(ids[i])).isEmpty();
        }
        assertThat(stream.next(ids[ids.length - 1])).isEqualTo("🚀");
        assertThat(stream.flush()).isEmpty();
    }

    @Test
    void byteFallbackTokensOfACharacterComeOutTogether() {
        Tokenizer llama2 = TestTokenizers.get("llama2-layout");
        int[] ids = llama2.encode("a 😀");
        List<String> tokens = new ArrayList<>();
        for (int id : ids) {
            tokens.add(llama2.token(id).orElseThrow());
        }
        assertThat(tokens).containsSubsequence("<0xF0>", "<0x9F>", "<0x98>", "<0x80>");
        assertThat(stream(llama2.newStreamingDecoder(), ids)).containsExactly("a", " ", "", "", "", "😀", "");
    }

    @Test
    void sentencePieceStripsTheLeadingSpaceOnlyAtTheVeryStart() {
        Tokenizer llama2 = TestTokenizers.get("llama2-layout");
        int[] ids = llama2.encode("Hello world");
        List<String> pieces = stream(llama2.newStreamingDecoder(), ids);
        assertThat(llama2.token(ids[0])).hasValueSatisfying(token -> assertThat(token).startsWith("▁"));
        assertThat(pieces.getFirst()).doesNotStartWith(" ");
        assertThat(pieces).anySatisfy(piece -> assertThat(piece).startsWith(" w"));
        assertThat(String.join("", pieces)).isEqualTo("Hello world");
    }

    @Test
    void aKeptBosTokenComesFirstSoNoSpaceIsStripped() {
        Tokenizer llama2 = TestTokenizers.get("llama2-layout");
        int[] ids = llama2.encode("Hello", true);
        assertThat(String.join("", stream(llama2.newStreamingDecoder(false), ids))).isEqualTo("<s> Hello");
        assertThat(String.join("", stream(llama2.newStreamingDecoder(true), ids))).isEqualTo("Hello");
    }

    @Test
    void flushTurnsAnUnfinishedCharacterIntoAReplacementCharacterAndResets() {
        Tokenizer gpt2 = TestTokenizers.get("gpt2");
        int[] ids = gpt2.encode("🚀");
        StreamingDecoder stream = gpt2.newStreamingDecoder();
        assertThat(stream.next(ids[0])).isEmpty();
        assertThat(stream.flush()).isEqualTo("\uFFFD");
        assertThat(stream.next(gpt2.encode("ok")[0])).isEqualTo("ok");
    }

    @Test
    void specialTokensAreKeptOrSkippedAsAsked() {
        Tokenizer llama3 = TestTokenizers.get("llama3-layout");
        int eot = llama3.tokenId("<|eot_id|>").orElseThrow();
        int[] ids = llama3.encode("Hi<|eot_id|>");
        assertThat(ids).endsWith(eot);
        assertThat(String.join("", stream(llama3.newStreamingDecoder(), ids))).isEqualTo("Hi<|eot_id|>");
        assertThat(String.join("", stream(llama3.newStreamingDecoder(true), ids))).isEqualTo("Hi");
    }

    @Test
    void unknownIdsDecodeToNothing() {
        Tokenizer gpt2 = TestTokenizers.get("gpt2");
        StreamingDecoder stream = gpt2.newStreamingDecoder();
        assertThat(stream.next(1_000_000)).isEmpty();
        assertThat(stream.next(-1)).isEmpty();
        assertThat(gpt2.decode(new int[] {15496, 99_999_999, 995})).isEqualTo("Hello world");
    }

    static List<String> stream(StreamingDecoder decoder, int[] ids) {
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(decoder.next(id));
        }
        pieces.add(decoder.flush());
        return pieces;
    }

    /** No lone surrogates: every piece is a whole number of characters. */
    private static boolean isWellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
