package dev.railyard.host.tokenizer;

import java.util.List;

/**
 * The Hugging Face {@code Digits} pre-tokenizer: cuts numbers off the rest, each digit alone with
 * {@code individual_digits}, else each run of digits together.
 */
final class DigitsPreTokenizer implements PreTokenizer {

    private final boolean individualDigits;

    DigitsPreTokenizer(boolean individualDigits) {
        this.individualDigits = individualDigits;
    }

    @Override
    public void split(String text, boolean atInputStart, List<String> out) {
        int start = 0;
        boolean inDigits = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean digit = isNumeric(cp);
            if (i > start && (digit != inDigits || (digit && individualDigits))) {
                out.add(text.substring(start, i));
                start = i;
            }
            inDigits = digit;
            i += Character.charCount(cp);
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
    }

    /** Rust's {@code char::is_numeric}: the Nd, Nl and No categories. */
    private static boolean isNumeric(int cp) {
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER || type == Character.OTHER_NUMBER;
    }
}
