package dev.railyard.conformance.sim;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.model.LoadedModel;
import java.util.EnumSet;

/**
 * Provides the {@code simulated} backend: pseudo-logits and a step-time model on the engine's
 * clock, for checking schedulers' contracts in virtual time, exactly and fast. It accepts any
 * model and uses only its vocabulary size, and only when {@code vocab-size} is 0.
 */
public final class SimulatedBackendProvider implements BackendProvider<SimulatedConfig> {

    /** The name users select it by. */
    public static final String NAME = "simulated";

    /** For {@link java.util.ServiceLoader}. */
    public SimulatedBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "no model: deterministic pseudo-logits read through the block tables and a calibratable step-time model "
                + "in virtual time (the conformance kit's backend)";
    }

    @Override
    public Class<SimulatedConfig> configType() {
        return SimulatedConfig.class;
    }

    @Override
    public Backend open(LoadedModel model, SimulatedConfig config, BackendContext context) {
        config.validate();
        int vocab = config.vocabSize > 0 ? config.vocabSize : (model == null ? 256 : model.config().vocabSize());
        int blocks = context.numBlocks() > 0 ? context.numBlocks() : config.numBlocks;
        int maxTokens = context.maxTokensPerStep() > 0 ? context.maxTokensPerStep() : config.maxTokensPerStep;
        EnumSet<BackendCapability> caps = EnumSet.of(BackendCapability.BATCH_INVARIANT);
        if (config.chunkedPrefill) {
            caps.add(BackendCapability.CHUNKED_PREFILL);
        }
        if (config.multiPositionLogits) {
            caps.add(BackendCapability.MULTI_POSITION_LOGITS);
        }
        CostModel cost = config.costModel();
        BackendInfo info = new BackendInfo(NAME, "simulated (" + cost + (context.clock().isVirtual() ? ", virtual time)" : ")"),
                "none", context.blockSize(), blocks, maxTokens, config.maxSequencesPerStep, vocab, config.maxContext, caps, 0);
        context.progress().accept("simulated backend: vocabulary " + vocab + ", " + blocks + " blocks of " + context.blockSize()
                + ", step time " + cost);
        return new SimulatedBackend(info, context.clock(), cost, config.seed, config.copyBias, config.copyWindow,
                config.sleepOnWallClock);
    }
}
