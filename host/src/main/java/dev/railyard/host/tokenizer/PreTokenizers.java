package dev.railyard.host.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Builds the {@link PreTokenizer} that a {@code "pre_tokenizer"} section describes. */
final class PreTokenizers {

    /** One punctuation character: Unicode's P categories plus all ASCII punctuation, as Rust's tests. */
    private static final Pattern PUNCTUATION = Pattern.compile("[\\p{P}!-/:-@\\[-`{-~]");

    private PreTokenizers() {}

    /** The pre-tokenizer of {@code node}; {@link PreTokenizer#NONE} for null. */
    static PreTokenizer fromJson(JsonNode node, TokenizerJson json) {
        if (node == null) {
            return PreTokenizer.NONE;
        }
        String where = "pre_tokenizer";
        String type = json.type(node, where);
        return switch (type) {
            case "Sequence" -> {
                List<PreTokenizer> steps = new ArrayList<>();
                for (JsonNode step : json.array(node, "pretokenizers", where + " Sequence")) {
                    steps.add(fromJson(step, json));
                }
                yield new SequencePreTokenizer(steps);
            }
            case "ByteLevel" -> new ByteLevelPreTokenizer(
                    json.flag(node, "add_prefix_space", true), json.flag(node, "use_regex", true));
            case "Split" -> split(node, json);
            case "Metaspace" -> metaspace(node, json);
            case "Digits" -> new DigitsPreTokenizer(json.flag(node, "individual_digits", false));
            case "WhitespaceSplit" -> new SplitPreTokenizer(
                    SplitPattern.compile("\\s+"), SplitBehavior.REMOVED, false);
            case "Whitespace" -> new SplitPreTokenizer(
                    SplitPattern.compile("\\w+|[^\\w\\s]+"), SplitBehavior.REMOVED, true);
            case "Punctuation" -> new SplitPreTokenizer(
                    PUNCTUATION, behavior(json.optionalText(node, "behavior", "Isolated"), "pre_tokenizer Punctuation", json), false);
            default -> throw json.error("unsupported pre_tokenizer type \"" + type + "\"");
        };
    }

    private static PreTokenizer split(JsonNode node, TokenizerJson json) {
        String where = "pre_tokenizer Split";
        Pattern pattern = pattern(json.object(node, "pattern", where), where, json);
        SplitBehavior behavior = behavior(json.text(node, "behavior", where), where, json);
        return new SplitPreTokenizer(pattern, behavior, json.flag(node, "invert", false));
    }

    private static SplitBehavior behavior(String name, String where, TokenizerJson json) {
        SplitBehavior behavior = SplitBehavior.fromJsonName(name);
        if (behavior == null) {
            throw json.error(where + " has unknown behavior \"" + name + "\"");
        }
        return behavior;
    }

    private static PreTokenizer metaspace(JsonNode node, TokenizerJson json) {
        String where = "pre_tokenizer Metaspace";
        int replacement = json.codePoint(node, "replacement", where, '▁');
        String scheme = json.optionalText(node, "prepend_scheme", null);
        MetaspacePreTokenizer.PrependScheme prepend;
        if (scheme == null) { // files from before prepend_scheme existed
            prepend = json.flag(node, "add_prefix_space", true)
                    ? MetaspacePreTokenizer.PrependScheme.ALWAYS
                    : MetaspacePreTokenizer.PrependScheme.NEVER;
        } else {
            prepend = switch (scheme) {
                case "always" -> MetaspacePreTokenizer.PrependScheme.ALWAYS;
                case "first" -> MetaspacePreTokenizer.PrependScheme.FIRST;
                case "never" -> MetaspacePreTokenizer.PrependScheme.NEVER;
                default -> throw json.error(where + " has unknown prepend_scheme \"" + scheme + "\"");
            };
        }
        return new MetaspacePreTokenizer(replacement, prepend, json.flag(node, "split", true));
    }

    /** A {@code {"Regex": ...}} or {@code {"String": ...}} pattern, as Split and Replace use. */
    static Pattern pattern(JsonNode patternNode, String where, TokenizerJson json) {
        if (patternNode.has("Regex")) {
            String regex = patternNode.get("Regex").asText();
            try {
                return SplitPattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw json.error(where + " regex cannot be compiled in Java: " + e.getDescription() + " in " + regex);
            }
        }
        if (patternNode.has("String")) {
            return Pattern.compile(Pattern.quote(patternNode.get("String").asText()));
        }
        throw json.error(where + " pattern is neither {\"Regex\": ...} nor {\"String\": ...}: " + patternNode);
    }
}
