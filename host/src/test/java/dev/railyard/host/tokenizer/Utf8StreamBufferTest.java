package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Utf8StreamBufferTest {

    @Test
    void holdsBackAnIncompleteCharacterUntilItIsComplete() {
        byte[] rocket = "🚀".getBytes(StandardCharsets.UTF_8);
        Utf8StreamBuffer buffer = new Utf8StreamBuffer();
        assertThat(buffer.append(new byte[] {'a', rocket[0]})).isEqualTo("a");
        assertThat(buffer.append(new byte[] {rocket[1], rocket[2]})).isEmpty();
        assertThat(buffer.hasPending()).isTrue();
        assertThat(buffer.append(new byte[] {rocket[3], 'b'})).isEqualTo("🚀b");
        assertThat(buffer.hasPending()).isFalse();
        assertThat(buffer.flush()).isEmpty();
    }

    @Test
    void replacesInvalidBytes() {
        Utf8StreamBuffer buffer = new Utf8StreamBuffer();
        assertThat(buffer.append(new byte[] {(byte) 0x80, 'a'})).isEqualTo("\uFFFDa"); // stray continuation
        assertThat(buffer.append(new byte[] {(byte) 0xE2, (byte) 0x82, 'b'})).isEqualTo("\uFFFDb"); // cut short
        assertThat(buffer.append(new byte[] {(byte) 0xC0, (byte) 0xAF})).isEqualTo("\uFFFD\uFFFD"); // overlong
        assertThat(buffer.append(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})).isEqualTo("\uFFFD\uFFFD\uFFFD"); // surrogate
        assertThat(buffer.append(new byte[] {(byte) 0xF0, (byte) 0x9F})).isEmpty();
        assertThat(buffer.flush()).isEqualTo("\uFFFD");
    }

    @Test
    void surrogateEncodingsAreReplacedByteByByteLikeRustAndPython() {
        // Java's own decoder gives one U+FFFD for ED A5; Rust's from_utf8_lossy (the reference) gives two
        Utf8StreamBuffer buffer = new Utf8StreamBuffer();
        assertThat(buffer.append(new byte[] {(byte) 0xED, (byte) 0xA5, 'x'})).isEqualTo("\uFFFD\uFFFDx");
    }

    /** Random bytes in random pieces; Java's decoder agrees with the Unicode practice except on ED A0..BF. */
    @Test
    void decodingInAnyPiecesEqualsJavasDecoderOnRandomBytes() {
        Random random = new Random(7);
        for (int round = 0; round < 2000; round++) {
            byte[] bytes = new byte[random.nextInt(24)];
            for (int i = 0; i < bytes.length; i++) {
                // bias towards bytes that matter for UTF-8
                int pick = random.nextInt(4);
                bytes[i] = (byte) switch (pick) {
                    case 0 -> random.nextInt(0x80);
                    case 1 -> 0x80 + random.nextInt(0x40);
                    case 2 -> 0xC0 + random.nextInt(0x40);
                    default -> random.nextInt(256);
                };
            }
            if (containsSurrogateEncoding(bytes)) {
                continue;
            }
            Utf8StreamBuffer buffer = new Utf8StreamBuffer();
            StringBuilder text = new StringBuilder();
            int i = 0;
            while (i < bytes.length) {
                int n = Math.min(bytes.length - i, 1 + random.nextInt(4));
                byte[] piece = java.util.Arrays.copyOfRange(bytes, i, i + n);
                text.append(buffer.append(piece));
                i += n;
            }
            text.append(buffer.flush());
            assertThat(text.toString()).as(java.util.HexFormat.of().formatHex(bytes))
                    .isEqualTo(new String(bytes, StandardCharsets.UTF_8));
        }
    }

    private static boolean containsSurrogateEncoding(byte[] bytes) {
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == (byte) 0xED && (bytes[i + 1] & 0xFF) >= 0xA0 && (bytes[i + 1] & 0xFF) <= 0xBF) {
                return true;
            }
        }
        return false;
    }
}
