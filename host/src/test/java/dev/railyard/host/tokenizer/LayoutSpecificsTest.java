package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What each model family's layout adds, checked directly (the known answers cover it broadly). */
class LayoutSpecificsTest {

    @Test
    void llama3IgnoreMergesTakesAWholeWordFromTheVocabulary() {
        Tokenizer llama3 = TestTokenizers.get("llama3-layout");
        int whole = llama3.tokenId("Ġzzzzqq").orElseThrow(); // no merge leads to it
        assertThat(llama3.encode(" zzzzqq")).containsExactly(whole);
        assertThat(llama3.encode("zzzzqq")).hasSize(6);
    }

    @Test
    void llama3AddsBeginOfTextOnlyWhenAsked() {
        Tokenizer llama3 = TestTokenizers.get("llama3-layout");
        int bos = llama3.tokenId("<|begin_of_text|>").orElseThrow();
        assertThat(llama3.encode("Hi", true)).startsWith(bos).hasSize(llama3.encode("Hi").length + 1);
        assertThat(llama3.encode("Hi")).doesNotContain(bos);
    }

    @Test
    void aNonSpecialAddedTokenIsKeptWhenSkippingSpecialTokens() {
        Tokenizer llama3 = TestTokenizers.get("llama3-layout");
        int tool = llama3.tokenId("<tool>").orElseThrow();
        assertThat(llama3.specialTokenIds()).doesNotContain(tool)
                .contains(llama3.tokenId("<|eot_id|>").orElseThrow());
        assertThat(llama3.decode(llama3.encode("call <tool><|eot_id|>"), true)).isEqualTo("call <tool>");
    }

    @Test
    void qwen2ComposesAccentsAndSplitsDigitsOneByOne() {
        Tokenizer qwen2 = TestTokenizers.get("qwen2-layout");
        assertThat(qwen2.encode("e\u0301")).isEqualTo(qwen2.encode("\u00e9"));
        int[] digits = qwen2.encode("2024");
        assertThat(digits).hasSize(4);
        assertThat(qwen2.encode("x", true)).isEqualTo(qwen2.encode("x")); // no BOS
    }

    @Test
    void llama2PrependsASpaceMarkerAndFallsBackToBytes() {
        Tokenizer llama2 = TestTokenizers.get("llama2-layout");
        int[] ids = llama2.encode("Hello 東", true);
        assertThat(llama2.token(ids[0])).hasValue("<s>");
        assertThat(llama2.token(ids[1]).orElseThrow()).startsWith("▁");
        assertThat(llama2.decode(ids)).isEqualTo("<s> Hello 東");
        assertThat(llama2.decode(ids, true)).isEqualTo("Hello 東");
        assertThat(java.util.Arrays.stream(llama2.encode("机")).mapToObj(id -> llama2.token(id).orElseThrow()))
                .containsExactly("▁", "<0xE6>", "<0x9C>", "<0xBA>");
    }

    @Test
    void metaspacePrependsOnlyAtTheStartOfTheInput() {
        Tokenizer metaspace = TestTokenizers.get("metaspace-layout");
        Tokenizer legacy = TestTokenizers.get("llama2-layout");
        assertThat(metaspace.encode("Hello world")).isEqualTo(legacy.encode("Hello world"));
        // after an added token the legacy normalizer prepends '▁' again; Metaspace "first" does not
        assertThat(legacy.decode(legacy.encode("<s>Hi"))).isEqualTo("<s> Hi");
        assertThat(metaspace.decode(metaspace.encode("<s>Hi"))).isEqualTo("<s>Hi");
    }
}
