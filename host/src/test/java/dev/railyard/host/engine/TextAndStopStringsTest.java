package dev.railyard.host.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.host.clock.VirtualClock;
import dev.railyard.spi.scheduler.FinishReason;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Text output: deltas streamed to a listener add up to the result's text, and a stop string
 * ends generation with the text cut before it, never streamed (even when it spans tokens).
 */
class TextAndStopStringsTest {

    /** One character per token: token t is the letter 'a' + t % 26 (vocabulary 64). */
    static final class LetterCodec implements TextCodec {
        @Override
        public int[] encode(String text, boolean addSpecialTokens) {
            return text.chars().map(c -> (c - 'a') & 63).toArray();
        }

        @Override
        public Detokenizer newDetokenizer() {
            return new Detokenizer() {
                @Override
                public String next(int token) {
                    return String.valueOf((char) ('a' + token % 26));
                }

                @Override
                public String flush() {
                    return "";
                }
            };
        }
    }

    private EngineCore core() {
        return new EngineCore(new HashingBackend(EngineTestSupport.VOCAB, 4, 128, 512), new SimpleFcfsScheduler(1000), "t",
                EngineSettings.defaults(), new VirtualClock(), new LetterCodec(), Set.of());
    }

    @Test
    void streamedDeltasAddUpToTheText() {
        EngineCore core = core();
        StringBuilder streamed = new StringBuilder();
        GenerationHandle h = core.submit(GenerationRequest.builder().promptText("hello").maxTokens(20).build(), new TokenListener() {
            @Override
            public void onToken(int token, String textDelta) {
                streamed.append(textDelta);
            }
        });
        GenerationResult r = EngineTestSupport.runAll(core, List.of(h)).getFirst();
        assertThat(r.text()).hasSize(20);
        assertThat(streamed.toString()).isEqualTo(r.text());
    }

    @Test
    void aStopStringSpanningTokensEndsGenerationAndIsNeverStreamed() {
        EngineCore core = core();
        String full = EngineTestSupport.runAll(core, List.of(core.submit(
                GenerationRequest.builder().promptText("hello").maxTokens(30).build(), null))).getFirst().text();
        String stop = full.substring(10, 13);
        int cut = full.indexOf(stop);
        StringBuilder streamed = new StringBuilder();
        GenerationHandle h = core.submit(GenerationRequest.builder().promptText("hello").maxTokens(30).stopStrings(List.of(stop)).build(),
                new TokenListener() {
                    @Override
                    public void onToken(int token, String textDelta) {
                        streamed.append(textDelta);
                    }
                });
        GenerationResult r = EngineTestSupport.runAll(core, List.of(h)).getFirst();
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(r.text()).isEqualTo(full.substring(0, cut));
        assertThat(streamed.toString()).isEqualTo(r.text()).doesNotContain(stop);
        assertThat(r.tokens()).hasSize(cut + stop.length());
    }
}
