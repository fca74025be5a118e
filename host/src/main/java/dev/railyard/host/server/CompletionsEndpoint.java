package dev.railyard.host.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.host.engine.GenerationRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code POST /v1/completions}: a prompt as text, or as token ids (an array of integers), one per
 * request; OpenAI's default of 16 tokens when {@code max_tokens} is absent. The tokenizer adds its
 * special tokens (BOS) to a text prompt as it is configured to.
 */
final class CompletionsEndpoint {

    /** OpenAI's default {@code max_tokens} for completions. */
    static final int DEFAULT_MAX_TOKENS = 16;

    private final ServedModel model;
    private final GenerationResponder responder;

    CompletionsEndpoint(ServedModel model, GenerationResponder responder) {
        this.model = model;
        this.responder = responder;
    }

    void handle(JsonBody body, ServerResponse res) throws InterruptedException {
        GenerationParams params = GenerationParams.parse(body, DEFAULT_MAX_TOKENS, false);
        OpenAiServer.checkModel(model, params.model());
        GenerationRequest.Builder b = params.builder();
        setPrompt(b, body.raw("prompt"));
        b.addSpecialTokens(true);
        responder.respond(CompletionShape.INSTANCE, params, b.build(), "prompt", res);
    }

    private static void setPrompt(GenerationRequest.Builder b, JsonNode prompt) {
        if (prompt == null) {
            throw ApiError.invalid("prompt", "missing_required_parameter", "'prompt' is required");
        }
        if (prompt.isTextual()) {
            b.promptText(prompt.asText());
            return;
        }
        if (!prompt.isArray()) {
            throw ApiError.invalid("prompt", "invalid_type", "'prompt' must be a string or an array of token ids");
        }
        if (prompt.isEmpty()) {
            throw ApiError.invalid("prompt", "invalid_value", "'prompt' is empty");
        }
        if (prompt.get(0).isNumber()) {
            b.promptTokens(tokens(prompt));
            return;
        }
        if (prompt.size() > 1) {
            throw ApiError.invalid("prompt", "unsupported_value", "only one prompt per request is supported, got " + prompt.size());
        }
        JsonNode only = prompt.get(0);
        if (only.isTextual()) {
            b.promptText(only.asText());
        } else if (only.isArray()) {
            b.promptTokens(tokens(only));
        } else {
            throw ApiError.invalid("prompt", "invalid_type", "'prompt' must be a string or an array of token ids");
        }
    }

    private static int[] tokens(JsonNode array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            long v = JsonBody.integerValue("prompt", array.get(i));
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw ApiError.invalid("prompt", "invalid_value", "prompt token " + v + " at index " + i + " is not a token id");
            }
            ids[i] = (int) v;
        }
        return ids;
    }
}
