package dev.railyard.host.server;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The JSON shapes of one endpoint's answers, exactly as OpenAI's API has them: the whole
 * response, and the chunks of a stream (an optional opening chunk, one per text delta, the
 * finishing chunk, and the usage chunk with empty {@code choices}).
 */
interface ResponseShape {

    /**
     * What every object of one response carries.
     *
     * @param id the response id ({@code cmpl-...} or {@code chatcmpl-...})
     * @param created seconds since the epoch
     * @param model the model id
     * @param usageField whether stream chunks carry {@code "usage": null} (include_usage was asked)
     */
    record Ids(String id, long created, String model, boolean usageField) {
    }

    /** Token counts. */
    record Usage(int promptTokens, int completionTokens) {
        ObjectNode toJson() {
            ObjectNode u = JsonNodeFactory.instance.objectNode();
            u.put("prompt_tokens", promptTokens);
            u.put("completion_tokens", completionTokens);
            u.put("total_tokens", promptTokens + completionTokens);
            return u;
        }
    }

    /** {@code cmpl} or {@code chatcmpl}. */
    String idPrefix();

    /** The non-streamed response. */
    ObjectNode complete(Ids ids, String text, String finishReason, Usage usage);

    /** The chunk sent before any token, or null when the shape has none. */
    ObjectNode opening(Ids ids);

    /** A chunk with new text. */
    ObjectNode delta(Ids ids, String text);

    /** The chunk with the finish reason. */
    ObjectNode finish(Ids ids, String finishReason);

    /** The chunk object name, e.g. {@code chat.completion.chunk}. */
    String chunkObject();

    /** The last chunk when include_usage was asked: empty {@code choices} and the usage. */
    default ObjectNode usage(Ids ids, Usage usage) {
        ObjectNode o = header(ids, chunkObject());
        o.putArray("choices");
        o.set("usage", usage.toJson());
        return o;
    }

    /** {@code id}, {@code object}, {@code created}, {@code model}. */
    static ObjectNode header(Ids ids, String object) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("id", ids.id());
        o.put("object", object);
        o.put("created", ids.created());
        o.put("model", ids.model());
        return o;
    }
}
