package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The less common parts, on a tiny hand-written BPE: a {@code "##"} subword prefix, a fused
 * unknown token, NFKC + lowercase + strip normalizers, a String split, BERT's CLS/SEP
 * post-processor and no decoder (tokens joined with spaces). Answers from tokenizers 0.23.2.
 */
class WordPieceStyleBpeTest {

    private static final String TOKENIZER_JSON = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[
               {"id":0,"content":"[UNK]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
               {"id":1,"content":"[CLS]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true},
               {"id":2,"content":"[SEP]","single_word":false,"lstrip":false,"rstrip":false,"normalized":false,"special":true}],
             "normalizer":{"type":"Sequence","normalizers":[{"type":"NFKC"},{"type":"Lowercase"},
               {"type":"Strip","strip_left":true,"strip_right":true}]},
             "pre_tokenizer":{"type":"Split","pattern":{"String":" "},"behavior":"Removed","invert":false},
             "post_processor":{"type":"BertProcessing","sep":["[SEP]",2],"cls":["[CLS]",1]},
             "decoder":null,
             "model":{"type":"BPE","dropout":null,"unk_token":"[UNK]","continuing_subword_prefix":"##",
               "end_of_word_suffix":null,"fuse_unk":true,"byte_fallback":false,
               "vocab":{"[UNK]":0,"[CLS]":1,"[SEP]":2,"h":3,"##e":4,"##l":5,"##o":6,"##he":7,"##ll":8,"w":9,
                        "##r":10,"##d":11,"he":12,"hell":13,"hello":14,"##lo":15,"##llo":16},
               "merges":["h ##e","##l ##l","he ##ll","##l ##o","hell ##o"]}}
            """;

    private static Tokenizer tokenizer;

    @BeforeAll
    static void load(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, TOKENIZER_JSON);
        tokenizer = Tokenizer.load(file);
    }

    @Test
    void encodesWithPrefixUnknownsAndNormalization() {
        assertThat(tokenizer.encode("Hello", true)).containsExactly(1, 14, 2);
        assertThat(tokenizer.encode("  HELLO world  ", true)).containsExactly(1, 14, 9, 6, 10, 5, 11, 2);
        assertThat(tokenizer.encode("hexxo", true)).containsExactly(1, 12, 0, 6, 2);
        assertThat(tokenizer.encode("ｈｅｌｌｏ", true)).containsExactly(1, 14, 2);
        assertThat(tokenizer.encode("héllo", true)).containsExactly(1, 3, 0, 8, 6, 2);
    }

    @Test
    void decodesByJoiningTokensWithSpaces() {
        assertThat(tokenizer.decode(new int[] {1, 12, 0, 6, 2})).isEqualTo("[CLS] he [UNK] ##o [SEP]");
        assertThat(tokenizer.decode(new int[] {1, 12, 0, 6, 2}, true)).isEqualTo("he ##o");
        assertThat(tokenizer.decode(new int[] {1, 14, 9, 6, 10, 5, 11, 2}, true)).isEqualTo("hello w ##o ##r ##l ##d");
    }
}
