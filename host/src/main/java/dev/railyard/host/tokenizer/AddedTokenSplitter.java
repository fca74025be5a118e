package dev.railyard.host.tokenizer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the added tokens written in a text and cuts the text around them, so that
 * {@code "Hi<|eot_id|>"} becomes the text {@code "Hi"} and the token {@code <|eot_id|>}. Like the
 * Hugging Face tokenizers it takes, at the leftmost position where any added token starts, the
 * longest one; it honours {@code lstrip}, {@code rstrip} and {@code single_word}.
 *
 * <p>One difference: all added tokens are matched in the raw text. Hugging Face matches those with
 * {@code normalized: true} in the normalized text instead, which only matters when normalization
 * changes a token's own spelling.
 */
final class AddedTokenSplitter {

    /**
     * A piece of the input: either plain text ({@code tokenId} -1) or one added token.
     *
     * @param start where the piece starts in the input
     */
    record Segment(String text, int tokenId, int start) {
        boolean isToken() {
            return tokenId >= 0;
        }
    }

    private final TrieNode root = new TrieNode();
    private final boolean[] startsSomeToken = new boolean[Character.MAX_VALUE + 1];
    private final boolean empty;

    AddedTokenSplitter(List<AddedToken> tokens) {
        for (AddedToken token : tokens) {
            TrieNode node = root;
            for (char c : token.content().toCharArray()) {
                node = node.children.computeIfAbsent(c, k -> new TrieNode());
            }
            node.token = token;
            startsSomeToken[token.content().charAt(0)] = true;
        }
        empty = tokens.isEmpty();
    }

    /** Cuts {@code text} into plain-text and added-token segments, in order. */
    List<Segment> split(String text) {
        List<Segment> segments = new ArrayList<>(4);
        int textStart = 0; // where the pending plain text begins
        int pos = 0;
        while (!empty && pos < text.length()) {
            if (!startsSomeToken[text.charAt(pos)]) {
                pos++;
                continue;
            }
            AddedToken token = longestMatch(text, pos);
            if (token == null) {
                pos++;
                continue;
            }
            int start = pos;
            int stop = pos + token.content().length();
            if (token.singleWord() && !standsAlone(text, start, stop)) {
                pos = stop;
                continue;
            }
            if (token.leftStrip()) {
                while (start > textStart && UnicodeWhitespace.is(text.codePointBefore(start))) {
                    start -= Character.charCount(text.codePointBefore(start));
                }
            }
            if (token.rightStrip()) {
                while (stop < text.length() && UnicodeWhitespace.is(text.codePointAt(stop))) {
                    stop += Character.charCount(text.codePointAt(stop));
                }
            }
            if (start > textStart) {
                segments.add(new Segment(text.substring(textStart, start), -1, textStart));
            }
            segments.add(new Segment(text.substring(start, stop), token.id(), start));
            textStart = stop;
            pos = stop;
        }
        if (textStart < text.length()) {
            segments.add(new Segment(text.substring(textStart), -1, textStart));
        }
        return segments;
    }

    private AddedToken longestMatch(String text, int pos) {
        TrieNode node = root;
        AddedToken longest = null;
        for (int i = pos; i < text.length(); i++) {
            node = node.children.get(text.charAt(i));
            if (node == null) {
                break;
            }
            if (node.token != null) {
                longest = node.token;
            }
        }
        return longest;
    }

    private static boolean standsAlone(String text, int start, int stop) {
        boolean wordBefore = start > 0 && isWordChar(text.codePointBefore(start));
        boolean wordAfter = stop < text.length() && isWordChar(text.codePointAt(stop));
        return !wordBefore && !wordAfter;
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }

    private static final class TrieNode {
        final Map<Character, TrieNode> children = new HashMap<>(4);
        AddedToken token;
    }
}
