package dev.railyard.host.server;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code /v1/chat/completions}: a {@code chat.completion} with {@code choices[].message}, or
 * {@code chat.completion.chunk}s with {@code choices[].delta} (the first carries the role).
 */
final class ChatShape implements ResponseShape {

    static final ChatShape INSTANCE = new ChatShape();

    @Override
    public String idPrefix() {
        return "chatcmpl";
    }

    @Override
    public String chunkObject() {
        return "chat.completion.chunk";
    }

    @Override
    public ObjectNode complete(Ids ids, String text, String finishReason, Usage usage) {
        ObjectNode o = ResponseShape.header(ids, "chat.completion");
        ObjectNode c = o.putArray("choices").addObject();
        c.put("index", 0);
        ObjectNode m = c.putObject("message");
        m.put("role", "assistant");
        m.put("content", text);
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
        o.set("usage", usage.toJson());
        return o;
    }

    @Override
    public ObjectNode opening(Ids ids) {
        ObjectNode o = chunk(ids, null);
        ObjectNode d = (ObjectNode) o.get("choices").get(0).get("delta");
        d.put("role", "assistant");
        d.put("content", "");
        return o;
    }

    @Override
    public ObjectNode delta(Ids ids, String text) {
        ObjectNode o = chunk(ids, null);
        ((ObjectNode) o.get("choices").get(0).get("delta")).put("content", text);
        return o;
    }

    @Override
    public ObjectNode finish(Ids ids, String finishReason) {
        return chunk(ids, finishReason);
    }

    private ObjectNode chunk(Ids ids, String finishReason) {
        ObjectNode o = ResponseShape.header(ids, "chat.completion.chunk");
        ObjectNode c = o.putArray("choices").addObject();
        c.put("index", 0);
        c.putObject("delta");
        c.putNull("logprobs");
        c.put("finish_reason", finishReason);
        if (ids.usageField()) {
            o.putNull("usage");
        }
        return o;
    }
}
