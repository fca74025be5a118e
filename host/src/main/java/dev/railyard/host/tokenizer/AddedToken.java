package dev.railyard.host.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of {@code "added_tokens"}: a token matched verbatim in the input before anything else
 * happens to it, such as {@code <|endoftext|>} or {@code <s>}.
 *
 * @param special whether it is a control token (left out of decoding when asked)
 * @param leftStrip whether white space before it is swallowed ({@code lstrip})
 * @param rightStrip whether white space after it is swallowed ({@code rstrip})
 * @param singleWord whether it only matches as a whole word
 */
record AddedToken(int id, String content, boolean special, boolean leftStrip, boolean rightStrip, boolean singleWord) {

    static AddedToken fromJson(JsonNode node, TokenizerJson json) {
        String where = "added_tokens entry " + node;
        JsonNode id = node.get("id");
        if (id == null || !id.canConvertToInt() || id.asInt() < 0) {
            throw json.error(where + " has no valid \"id\"");
        }
        String content = json.text(node, "content", where);
        if (content.isEmpty()) {
            throw json.error(where + " has empty \"content\"");
        }
        return new AddedToken(id.asInt(), content, json.flag(node, "special", false), json.flag(node, "lstrip", false),
                json.flag(node, "rstrip", false), json.flag(node, "single_word", false));
    }
}
