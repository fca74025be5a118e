package dev.railyard.host.server;

import dev.railyard.host.engine.Engine;
import dev.railyard.host.model.ModelFiles;
import dev.railyard.host.model.TokenizerConfig;
import dev.railyard.host.wiring.RailyardRuntime;
import java.util.Objects;

/**
 * What the server serves: one running engine under a model name, and the chat template its
 * prompts use. Built from a {@link RailyardRuntime} by {@code railyard serve}, or directly from an
 * engine by tests and embedders.
 *
 * @param name the id clients send as {@code model} and {@code /v1/models} lists
 * @param engine the started engine
 * @param chatTemplate how chat messages become a prompt
 * @param createdEpochSeconds the {@code created} time reported for the model
 */
public record ServedModel(String name, Engine engine, ChatTemplate chatTemplate, long createdEpochSeconds) {

    public ServedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(chatTemplate, "chatTemplate");
    }

    /** A model served under {@code name} with {@code template}, created now. */
    public static ServedModel of(String name, Engine engine, ChatTemplate template) {
        return new ServedModel(name, engine, template, System.currentTimeMillis() / 1000);
    }

    /**
     * The runtime's model, named {@code name} (null: the checkpoint directory's name), its chat
     * template read from the checkpoint's tokenizer_config.json.
     *
     * @param chatFormat a format to force instead of detecting it ({@code auto} or null: detect)
     */
    public static ServedModel of(RailyardRuntime runtime, String name, String chatFormat) {
        TokenizerConfig tc = ModelFiles.of(runtime.model().directory()).tokenizerConfig();
        String n = name != null ? name : runtime.model().name();
        return of(n, runtime.engine(), ChatTemplate.of(tc, chatFormat));
    }

    /** The context length the backend supports. */
    public int maxContextLength() {
        return engine.core().backendInfo().maxContextLength();
    }
}
