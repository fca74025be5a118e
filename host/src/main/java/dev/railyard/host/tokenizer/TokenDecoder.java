package dev.railyard.host.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code "decoder"} section: turns each token into the bytes of text it stands for, so that
 * decoding is the concatenation of those bytes read as UTF-8, minus a few leading characters.
 *
 * <p>Supports what BPE tokenizers use: {@code ByteLevel} (GPT-2, Llama 3, Qwen2: each character
 * of the token stands for a byte), and SentencePiece's {@code Sequence} of {@code Replace('▁',' ')},
 * {@code ByteFallback} ({@code <0xXX>} tokens are raw bytes), {@code Fuse} and
 * {@code Strip(' ', 1, 0)} (drop the space that encoding put in front), plus {@code Metaspace}.
 * Without a decoder, tokens are joined with spaces, as Hugging Face does.
 */
final class TokenDecoder {

    /** A per-token text rewrite; {@code position} is the token's index among the decoded tokens. */
    @FunctionalInterface
    private interface TextStep {
        String apply(String token, int position);
    }

    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x([0-9A-Fa-f]{2})>");
    private static final byte[] SPACE = {' '};

    private final List<TextStep> textSteps;
    private final boolean byteLevel;
    private final boolean byteFallback;
    private final boolean joinWithSpaces;
    private final int stripCharacter;
    private final int stripCount;

    private TokenDecoder(List<TextStep> textSteps, boolean byteLevel, boolean byteFallback, boolean joinWithSpaces,
            int stripCharacter, int stripCount) {
        this.textSteps = List.copyOf(textSteps);
        this.byteLevel = byteLevel;
        this.byteFallback = byteFallback;
        this.joinWithSpaces = joinWithSpaces;
        this.stripCharacter = stripCharacter;
        this.stripCount = stripCount;
    }

    /** The decoder of {@code node}; null means tokens joined with spaces. */
    static TokenDecoder fromJson(JsonNode node, TokenizerJson json) {
        if (node == null) {
            return new TokenDecoder(List.of(), false, false, true, ' ', 0);
        }
        Builder builder = new Builder(json);
        builder.add(node);
        return builder.build();
    }

    /** The bytes that {@code token} (the {@code position}-th decoded token) stands for. */
    byte[] bytes(String token, int position) {
        for (TextStep step : textSteps) {
            token = step.apply(token, position);
        }
        if (byteFallback && token.length() == 6) {
            Matcher matcher = BYTE_TOKEN.matcher(token);
            if (matcher.matches()) {
                return new byte[] {(byte) Integer.parseInt(matcher.group(1), 16)};
            }
        }
        return byteLevel ? ByteLevelAlphabet.decode(token) : token.getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes that go between two tokens: a space when there is no decoder, else nothing. */
    byte[] separator() {
        return joinWithSpaces ? SPACE : new byte[0];
    }

    /** The character stripped from the start of the decoded text ({@code Strip}'s content). */
    int stripCharacter() {
        return stripCharacter;
    }

    /** How many {@link #stripCharacter()}s at most are stripped from the start of the decoded text. */
    int stripCount() {
        return stripCount;
    }

    /** Collects the steps of a decoder, flattening sequences. */
    private static final class Builder {
        final TokenizerJson json;
        final List<TextStep> textSteps = new ArrayList<>();
        boolean byteLevel;
        boolean byteFallback;
        int stripCharacter = ' ';
        int stripCount;

        Builder(TokenizerJson json) {
            this.json = json;
        }

        void add(JsonNode node) {
            String where = "decoder";
            String type = json.type(node, where);
            switch (type) {
                case "Sequence" -> {
                    for (JsonNode step : json.array(node, "decoders", where + " Sequence")) {
                        add(step);
                    }
                }
                case "ByteLevel" -> byteLevel = true;
                case "ByteFallback" -> byteFallback = true;
                case "Fuse" -> { } // tokens are always concatenated here
                case "Replace" -> {
                    Pattern pattern = PreTokenizers.pattern(
                            json.object(node, "pattern", where + " Replace"), where + " Replace", json);
                    String content = Matcher.quoteReplacement(json.text(node, "content", where + " Replace"));
                    textSteps.add((token, position) -> pattern.matcher(token).replaceAll(content));
                }
                case "Metaspace" -> metaspace(node);
                case "Strip" -> {
                    if (json.integer(node, "stop", 0) != 0) {
                        throw json.error("unsupported decoder Strip with \"stop\" > 0 (cannot stream)");
                    }
                    stripCharacter = json.codePoint(node, "content", where + " Strip", ' ');
                    stripCount = json.integer(node, "start", 0);
                }
                default -> throw json.error("unsupported decoder type \"" + type + "\"");
            }
        }

        /** Metaspace: {@code '▁'} → space, except in the first token, where it only marked the prepended space. */
        private void metaspace(JsonNode node) {
            String where = "decoder Metaspace";
            String replacement = Character.toString(json.codePoint(node, "replacement", where, '▁'));
            String scheme = json.optionalText(node, "prepend_scheme", null);
            boolean prepends = scheme == null ? json.flag(node, "add_prefix_space", true) : !scheme.equals("never");
            textSteps.add((token, position) ->
                    token.replace(replacement, position == 0 && prepends ? "" : " "));
        }

        TokenDecoder build() {
            return new TokenDecoder(textSteps, byteLevel, byteFallback, false, stripCharacter, stripCount);
        }
    }
}
