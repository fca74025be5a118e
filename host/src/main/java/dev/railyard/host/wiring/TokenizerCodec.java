package dev.railyard.host.wiring;

import dev.railyard.host.engine.TextCodec;
import dev.railyard.host.tokenizer.StreamingDecoder;
import dev.railyard.host.tokenizer.Tokenizer;

/** Adapts a {@link Tokenizer} to what the engine needs. */
public record TokenizerCodec(Tokenizer tokenizer) implements TextCodec {

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        return tokenizer.encode(text, addSpecialTokens);
    }

    @Override
    public Detokenizer newDetokenizer() {
        StreamingDecoder d = tokenizer.newStreamingDecoder();
        return new Detokenizer() {
            @Override
            public String next(int token) {
                return d.next(token);
            }

            @Override
            public String flush() {
                return d.flush();
            }
        };
    }
}
