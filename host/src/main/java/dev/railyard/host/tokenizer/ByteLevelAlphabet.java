package dev.railyard.host.tokenizer;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's {@code bytes_to_unicode} map: each of the 256 byte values stands for one printable
 * character, so that byte-level BPE vocabularies can spell any byte sequence as text. Printable
 * Latin-1 bytes stand for themselves; the others (control characters, space, ...) are moved to
 * U+0100 and up, so the space byte is {@code 'Ġ'} and newline is {@code 'Ċ'}.
 */
final class ByteLevelAlphabet {

    private static final char[] CHAR_OF_BYTE = new char[256];
    private static final int[] BYTE_OF_CHAR = new int[512];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            char c = printable ? (char) b : (char) next++;
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteLevelAlphabet() {}

    /** The character that stands for byte {@code b} (0..255). */
    static char charOf(int b) {
        return CHAR_OF_BYTE[b & 0xFF];
    }

    /** The byte that {@code c} stands for, or -1 when {@code c} is not in the alphabet. */
    static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }

    /** The text's UTF-8 bytes spelled in the alphabet. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = CHAR_OF_BYTE[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /**
     * The bytes a token spelled in the alphabet stands for. A token with any character outside the
     * alphabet (an added token such as {@code "<|im start|>"} with a space) is taken as plain text
     * and gives its own UTF-8 bytes, as the Hugging Face ByteLevel decoder does.
     */
    static byte[] decode(String token) {
        byte[] bytes = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            int b = byteOf(token.charAt(i));
            if (b < 0) {
                return token.getBytes(StandardCharsets.UTF_8);
            }
            bytes[i] = (byte) b;
        }
        return bytes;
    }
}
