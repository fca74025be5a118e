package dev.railyard.host.server;

import dev.railyard.host.engine.TextCodec;

/**
 * A character-level test codec: token id = the character's code (ASCII only, ids below {@link
 * #VOCAB}); id {@link #EOS} is end-of-sequence and decodes to nothing.
 */
public final class CharCodec implements TextCodec {

    public static final int VOCAB = 128;
    public static final int EOS = 0;

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            char c = text.charAt(i);
            ids[i] = c < VOCAB && c != EOS ? c : '?';
        }
        return ids;
    }

    @Override
    public Detokenizer newDetokenizer() {
        return new Detokenizer() {
            @Override
            public String next(int token) {
                return token == EOS ? "" : String.valueOf((char) token);
            }

            @Override
            public String flush() {
                return "";
            }
        };
    }
}
