package dev.railyard.host.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@link PostProcessor} that a {@code "post_processor"} section describes: the
 * {@code TemplateProcessing} {@code "single"} template (Llama's {@code <s> $A}), BERT/RoBERTa's
 * CLS/SEP, a {@code Sequence} of those; {@code ByteLevel} changes only offsets, so adds nothing.
 */
final class PostProcessors {

    private PostProcessors() {}

    /** The post-processor of {@code node}; {@link PostProcessor#NONE} for null. */
    static PostProcessor fromJson(JsonNode node, TokenizerJson json) {
        if (node == null) {
            return PostProcessor.NONE;
        }
        String where = "post_processor";
        String type = json.type(node, where);
        return switch (type) {
            case "TemplateProcessing" -> template(node, json);
            case "ByteLevel" -> PostProcessor.NONE;
            case "BertProcessing", "RobertaProcessing" -> surround(
                    idOfPair(node, "cls", type, json), idOfPair(node, "sep", type, json));
            case "Sequence" -> {
                List<PostProcessor> steps = new ArrayList<>();
                for (JsonNode step : json.array(node, "processors", where + " Sequence")) {
                    steps.add(fromJson(step, json));
                }
                yield ids -> {
                    for (PostProcessor step : steps) {
                        ids = step.process(ids);
                    }
                    return ids;
                };
            }
            default -> throw json.error("unsupported post_processor type \"" + type + "\"");
        };
    }

    /** The {@code "single"} template: special-token items become their ids, {@code $A} the text. */
    private static PostProcessor template(JsonNode node, TokenizerJson json) {
        String where = "post_processor TemplateProcessing";
        JsonNode specialTokens = node.get("special_tokens");
        List<int[]> pieces = new ArrayList<>(); // null entry = the text itself
        for (JsonNode item : json.array(node, "single", where)) {
            if (item.has("Sequence")) {
                pieces.add(null);
            } else if (item.has("SpecialToken")) {
                String name = json.text(item.get("SpecialToken"), "id", where + " SpecialToken");
                JsonNode special = specialTokens == null ? null : specialTokens.get(name);
                if (special == null) {
                    throw json.error(where + " uses \"" + name + "\", which is not in its special_tokens");
                }
                JsonNode idsNode = json.array(special, "ids", where + " special token \"" + name + "\"");
                int[] ids = new int[idsNode.size()];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = idsNode.get(i).asInt();
                }
                pieces.add(ids);
            } else {
                throw json.error(where + " has an item that is neither Sequence nor SpecialToken: " + item);
            }
        }
        return ids -> {
            IdBuffer out = new IdBuffer(ids.length + 4);
            for (int[] piece : pieces) {
                out.addAll(piece == null ? ids : piece);
            }
            return out.toArray();
        };
    }

    private static PostProcessor surround(int first, int last) {
        return ids -> {
            int[] out = new int[ids.length + 2];
            out[0] = first;
            System.arraycopy(ids, 0, out, 1, ids.length);
            out[out.length - 1] = last;
            return out;
        };
    }

    /** BERT/RoBERTa write {@code "cls": ["<s>", 0]}. */
    private static int idOfPair(JsonNode node, String field, String type, TokenizerJson json) {
        JsonNode pair = json.array(node, field, "post_processor " + type);
        if (pair.size() != 2 || !pair.get(1).canConvertToInt()) {
            throw json.error("post_processor " + type + " field \"" + field + "\" is not [token, id]: " + pair);
        }
        return pair.get(1).asInt();
    }
}
