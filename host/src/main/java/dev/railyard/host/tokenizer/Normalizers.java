package dev.railyard.host.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the {@link Normalizer} that a {@code "normalizer"} section describes. */
final class Normalizers {

    private Normalizers() {}

    /** The normalizer of {@code node}; {@link Normalizer#NONE} for null. */
    static Normalizer fromJson(JsonNode node, TokenizerJson json) {
        if (node == null) {
            return Normalizer.NONE;
        }
        String where = "normalizer";
        String type = json.type(node, where);
        return switch (type) {
            case "Sequence" -> {
                List<Normalizer> steps = new ArrayList<>();
                for (JsonNode step : json.array(node, "normalizers", where + " Sequence")) {
                    steps.add(fromJson(step, json));
                }
                yield sequence(steps);
            }
            case "NFC" -> unicode(java.text.Normalizer.Form.NFC);
            case "NFD" -> unicode(java.text.Normalizer.Form.NFD);
            case "NFKC" -> unicode(java.text.Normalizer.Form.NFKC);
            case "NFKD" -> unicode(java.text.Normalizer.Form.NFKD);
            case "Lowercase" -> text -> text.toLowerCase(Locale.ROOT);
            case "Prepend" -> prepend(json.text(node, "prepend", where + " Prepend"));
            case "Replace" -> replace(
                    PreTokenizers.pattern(json.object(node, "pattern", where + " Replace"), where + " Replace", json),
                    json.text(node, "content", where + " Replace"));
            case "Strip" -> strip(json.flag(node, "strip_left", true), json.flag(node, "strip_right", true));
            case "ByteLevel" -> ByteLevelAlphabet::encode;
            default -> throw json.error("unsupported normalizer type \"" + type + "\"");
        };
    }

    static Normalizer sequence(List<Normalizer> steps) {
        List<Normalizer> copy = List.copyOf(steps);
        return text -> {
            for (Normalizer step : copy) {
                text = step.normalize(text);
            }
            return text;
        };
    }

    static Normalizer unicode(java.text.Normalizer.Form form) {
        return text -> java.text.Normalizer.normalize(text, form);
    }

    /** Puts {@code prefix} in front of non-empty text (SentencePiece's leading {@code '▁'}). */
    static Normalizer prepend(String prefix) {
        return text -> text.isEmpty() ? text : prefix + text;
    }

    static Normalizer replace(Pattern pattern, String content) {
        String replacement = Matcher.quoteReplacement(content);
        return text -> pattern.matcher(text).replaceAll(replacement);
    }

    /** Removes Unicode white space at either end. */
    static Normalizer strip(boolean left, boolean right) {
        return text -> {
            int start = 0;
            int end = text.length();
            while (left && start < end && UnicodeWhitespace.is(text.codePointAt(start))) {
                start += Character.charCount(text.codePointAt(start));
            }
            while (right && end > start && UnicodeWhitespace.is(text.codePointBefore(end))) {
                end -= Character.charCount(text.codePointBefore(end));
            }
            return text.substring(start, end);
        };
    }
}
