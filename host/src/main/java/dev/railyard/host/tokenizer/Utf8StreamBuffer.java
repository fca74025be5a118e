package dev.railyard.host.tokenizer;

/**
 * Decodes UTF-8 that arrives in pieces: {@link #append} returns the characters completed so far
 * and keeps the bytes of a character that is still incomplete for the next call. Invalid bytes
 * become U+FFFD, one per maximal invalid subsequence (the Unicode recommendation, as Rust's
 * {@code from_utf8_lossy} does), so that decoding in pieces gives the same text as decoding at once.
 */
final class Utf8StreamBuffer {

    private static final char REPLACEMENT = '\uFFFD';

    private final byte[] pending = new byte[4];
    private int pendingLength;
    private int expectedLength;

    /** Adds {@code bytes} and returns the text that is now complete (possibly empty). */
    String append(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            accept(b & 0xFF, out);
        }
        return out.toString();
    }

    /** Ends the input: an incomplete character left over becomes U+FFFD. */
    String flush() {
        if (pendingLength == 0) {
            return "";
        }
        pendingLength = 0;
        return String.valueOf(REPLACEMENT);
    }

    /** Whether bytes of an incomplete character are waiting. */
    boolean hasPending() {
        return pendingLength > 0;
    }

    private void accept(int b, StringBuilder out) {
        if (pendingLength > 0) {
            if (continues(b)) {
                pending[pendingLength++] = (byte) b;
                if (pendingLength == expectedLength) {
                    out.appendCodePoint(codePoint());
                    pendingLength = 0;
                }
                return;
            }
            out.append(REPLACEMENT); // the incomplete character is cut short
            pendingLength = 0;
        }
        if (b < 0x80) {
            out.append((char) b);
        } else if (b >= 0xC2 && b <= 0xF4) {
            pending[0] = (byte) b;
            pendingLength = 1;
            expectedLength = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        } else {
            out.append(REPLACEMENT); // a stray continuation byte, or a byte that never starts UTF-8
        }
    }

    /** Whether {@code b} may follow the pending bytes (ruling out overlongs, surrogates, > U+10FFFF). */
    private boolean continues(int b) {
        if (pendingLength == 1) {
            int lead = pending[0] & 0xFF;
            return switch (lead) {
                case 0xE0 -> b >= 0xA0 && b <= 0xBF;
                case 0xED -> b >= 0x80 && b <= 0x9F;
                case 0xF0 -> b >= 0x90 && b <= 0xBF;
                case 0xF4 -> b >= 0x80 && b <= 0x8F;
                default -> b >= 0x80 && b <= 0xBF;
            };
        }
        return b >= 0x80 && b <= 0xBF;
    }

    private int codePoint() {
        int lead = pending[0] & 0xFF;
        int cp = switch (expectedLength) {
            case 2 -> lead & 0x1F;
            case 3 -> lead & 0x0F;
            default -> lead & 0x07;
        };
        for (int i = 1; i < expectedLength; i++) {
            cp = (cp << 6) | (pending[i] & 0x3F);
        }
        return cp;
    }
}
