package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AddedTokenSplitterTest {

    @Test
    void cutsTextAroundAddedTokensTakingTheLongestAtTheLeftmostPosition() {
        AddedTokenSplitter splitter = new AddedTokenSplitter(List.of(
                token(1, "<|a|>"), token(2, "<|a|>x"), token(3, "<s>")));
        assertThat(split(splitter, "hi<|a|>x<s> there<|a|>"))
                .containsExactly("hi", "#2", "#3", " there", "#1");
        assertThat(splitter.split("hi<s>")).extracting(AddedTokenSplitter.Segment::start).containsExactly(0, 2);
        assertThat(split(splitter, "no tokens < here")).containsExactly("no tokens < here");
        assertThat(split(splitter, "")).isEmpty();
    }

    @Test
    void leftAndRightStripSwallowWhiteSpace() {
        AddedTokenSplitter splitter = new AddedTokenSplitter(List.of(
                new AddedToken(1, "<mask>", true, true, false, false),
                new AddedToken(2, "<r>", true, false, true, false)));
        assertThat(split(splitter, "The  <mask> sat<r>  \n down")).containsExactly("The", "#1", " sat", "#2", "down");
    }

    @Test
    void singleWordTokensOnlyMatchAsWholeWords() {
        AddedTokenSplitter splitter = new AddedTokenSplitter(List.of(new AddedToken(1, "cat", false, false, false, true)));
        assertThat(split(splitter, "cat concatenate cat.")).containsExactly("#1", " concatenate ", "#1", ".");
    }

    private static AddedToken token(int id, String content) {
        return new AddedToken(id, content, true, false, false, false);
    }

    private static List<String> split(AddedTokenSplitter splitter, String text) {
        return splitter.split(text).stream().map(s -> s.isToken() ? "#" + s.tokenId() : s.text()).toList();
    }
}
