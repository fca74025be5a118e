package dev.railyard.schedulers.speculative;

import dev.railyard.schedulers.continuous.ContinuousConfig;
import dev.railyard.schedulers.continuous.ContinuousScheduler;
import dev.railyard.schedulers.dynamic.DynamicBatchScheduler;
import dev.railyard.schedulers.dynamic.DynamicConfig;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;

/** Provides the {@code speculative} scheduler: a base policy plus draft tokens from a drafter. */
public final class SpeculativeSchedulerProvider implements SchedulerProvider<SpeculativeConfig> {

    /** The name users select it by. */
    public static final String NAME = "speculative";

    /** For {@link java.util.ServiceLoader}. */
    public SpeculativeSchedulerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "speculative decoding: a base policy (continuous or dynamic) plus draft tokens from a drafter (ngram or a draft model)";
    }

    @Override
    public Class<SpeculativeConfig> configType() {
        return SpeculativeConfig.class;
    }

    @Override
    public Scheduler create(SpeculativeConfig config, SchedulerContext context) {
        config.validate();
        Object baseConfig = config.bindBase();
        Scheduler base = baseConfig instanceof DynamicConfig d ? new DynamicBatchScheduler(d, context)
                : new ContinuousScheduler((ContinuousConfig) baseConfig, context);
        // without multi-position logits drafts can't be verified: don't even open the drafter
        Drafter drafter = context.limits().multiPositionLogits()
                ? context.drafters().open(config.drafterName(), config.drafterSettings()) : null;
        return new SpeculativeScheduler(base, drafter, config.numSpeculativeTokens, config.adaptive,
                config.disableByBatchSize);
    }
}
