package dev.railyard.host.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** {@code /v1/completions}: {@code text_completion} objects with {@code choices[].text}. */
final class CompletionShape implements ResponseShape {

    static final CompletionShape INSTANCE = new CompletionShape();

    @Override
    public String idPrefix() {
        return "cmpl";
    }

    @Override
    public String chunkObject() {
        return "text_completion";
    }

    @Override
    public ObjectNode complete(Ids ids, String text, String finishReason, Usage usage) {
        ObjectNode o = ResponseShape.header(ids, "text_completion");
        choice(o.putArray("choices"), text, finishReason);
        o.set("usage", usage.toJson());
        return o;
    }

    @Override
    public ObjectNode opening(Ids ids) {
        return null;
    }

    @Override
    public ObjectNode delta(Ids ids, String text) {
        return chunk(ids, text, null);
    }

    @Override
    public ObjectNode finish(Ids ids, String finishReason) {
        return chunk(ids, "", finishReason);
    }

    private ObjectNode chunk(Ids ids, String text, String finishReason) {
        ObjectNode o = ResponseShape.header(ids, "text_completion");
        choice(o.putArray("choices"), text, finishReason);
        if (ids.usageField()) {
            o.putNull("usage");
        }
        return o;
    }

    private static void choice(ArrayNode choices, String text, String finishReason) {
        ObjectNode c = choices.addObject();
        c.put("index", 0);
        c.put("text", text);
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
    }
}
