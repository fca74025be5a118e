package dev.railyard.schedulers.drafters;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.DrafterContext;
import dev.railyard.spi.scheduler.DrafterProvider;
import java.nio.file.Path;

/** Provides the {@code draft-model} drafter: a smaller model proposes tokens. */
public final class DraftModelDrafterProvider implements DrafterProvider<DraftModelConfig> {

    /** The name users select it by. */
    public static final String NAME = "draft-model";

    /** For {@link java.util.ServiceLoader}. */
    public DraftModelDrafterProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "a smaller model, on the target's kind of backend with its own KV pool, proposes the draft tokens";
    }

    @Override
    public Class<DraftModelConfig> configType() {
        return DraftModelConfig.class;
    }

    @Override
    public Drafter create(DraftModelConfig config, DrafterContext context) {
        config.validate();
        Backend backend = context.openModel(Path.of(config.model), config.blockSize, config.kvBlocks);
        return new DraftModelDrafter(backend, context.vocabSize(), config.confidenceThreshold);
    }
}
