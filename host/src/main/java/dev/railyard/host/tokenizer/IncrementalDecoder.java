package dev.railyard.host.tokenizer;

/**
 * The {@link StreamingDecoder}: per token, the {@link TokenDecoder}'s bytes go through a
 * {@link Utf8StreamBuffer}, and the decoder's leading strip applies only to the very start of the
 * stream. {@link HuggingFaceTokenizer#decode} runs this same path, so streaming and whole decoding
 * always agree.
 */
final class IncrementalDecoder implements StreamingDecoder {

    private final Vocabulary vocabulary;
    private final TokenDecoder decoder;
    private final boolean skipSpecialTokens;
    private final Utf8StreamBuffer utf8 = new Utf8StreamBuffer();
    private int position;
    private int stripLeft;

    IncrementalDecoder(Vocabulary vocabulary, TokenDecoder decoder, boolean skipSpecialTokens) {
        this.vocabulary = vocabulary;
        this.decoder = decoder;
        this.skipSpecialTokens = skipSpecialTokens;
        this.stripLeft = decoder.stripCount();
    }

    @Override
    public String next(int tokenId) {
        String token = vocabulary.token(tokenId);
        if (token == null || (skipSpecialTokens && vocabulary.isSpecial(tokenId))) {
            return "";
        }
        String separator = position > 0 ? utf8.append(decoder.separator()) : "";
        String text = separator + utf8.append(decoder.bytes(token, position++));
        return stripStart(text);
    }

    @Override
    public String flush() {
        String text = stripStart(utf8.flush());
        position = 0;
        stripLeft = decoder.stripCount();
        return text;
    }

    /** Drops up to the decoder's strip count of leading strip characters, at the start of the stream only. */
    private String stripStart(String text) {
        if (stripLeft == 0 || text.isEmpty()) {
            return text;
        }
        int cut = 0;
        int strip = decoder.stripCharacter();
        while (stripLeft > 0 && cut < text.length() && text.codePointAt(cut) == strip) {
            cut += Character.charCount(strip);
            stripLeft--;
        }
        if (cut < text.length()) {
            stripLeft = 0; // something else came first: the start is over
        }
        return text.substring(cut);
    }
}
