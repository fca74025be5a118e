package dev.railyard.host.server;

import dev.railyard.host.engine.GenerationRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;

/**
 * {@code POST /v1/chat/completions}: the messages become a prompt through the model's {@link
 * ChatTemplate}; without {@code max_tokens}/{@code max_completion_tokens} the answer may run to
 * the end of the context.
 */
final class ChatCompletionsEndpoint {

    private final ServedModel model;
    private final GenerationResponder responder;

    ChatCompletionsEndpoint(ServedModel model, GenerationResponder responder) {
        this.model = model;
        this.responder = responder;
    }

    void handle(JsonBody body, ServerResponse res) throws InterruptedException {
        GenerationParams params = GenerationParams.parse(body, Integer.MAX_VALUE, true);
        OpenAiServer.checkModel(model, params.model());
        List<ChatMessage> messages = ChatMessage.parseAll(body.raw("messages"));
        ChatTemplate template = model.chatTemplate();
        GenerationRequest.Builder b = params.builder();
        b.promptText(template.render(messages)).addSpecialTokens(template.addSpecialTokens());
        responder.respond(ChatShape.INSTANCE, params, b.build(), "messages", res);
    }
}
