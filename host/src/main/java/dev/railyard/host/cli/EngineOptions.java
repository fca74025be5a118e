package dev.railyard.host.cli;

import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.wiring.RailyardHome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that runs an engine shares: model, plugins and their config. */
public final class EngineOptions {

    @Option(names = "--config", paramLabel = "FILE",
            description = "railyard.yaml with model, backend, scheduler, kv and engine sections; flags override it")
    Path configFile;

    @Option(names = {"-m", "--model"}, paramLabel = "DIR",
            description = "Hugging Face checkpoint directory (default: the embedded models/railyard-code-8m)")
    String model;

    @Option(names = "--backend", paramLabel = "NAME", description = "backend plugin (default: cpu-reference)")
    String backend;

    @Option(names = "--scheduler", paramLabel = "NAME", description = "scheduler plugin: continuous (default), dynamic, speculative, ...")
    String scheduler;

    @Option(names = "--draft-model", paramLabel = "DIR", arity = "0..1", fallbackValue = RailyardHome.DEFAULT_DRAFT_MODEL,
            description = "draft model for --scheduler speculative; given alone, the embedded "
                    + RailyardHome.DEFAULT_DRAFT_MODEL + " (without this flag the ngram drafter is used)")
    String draftModel;

    @Option(names = "--num-speculative-tokens", paramLabel = "K", description = "draft tokens per step for --scheduler speculative")
    Integer numSpeculativeTokens;

    @Option(names = "--block-size", paramLabel = "N", description = "tokens per KV block (default 16)")
    Integer blockSize;

    @Option(names = "--num-blocks", paramLabel = "N", description = "KV blocks in the pool (default: the backend decides)")
    Integer numBlocks;

    @Option(names = "--set", paramLabel = "SECTION.KEY=VALUE",
            description = "set a plugin config key, e.g. --set scheduler.max-num-seqs=8 (repeatable)")
    List<String> sets = new ArrayList<>();

    /** The configuration the flags describe (file first, flags over it). */
    public RailyardConfig toConfig() {
        RailyardConfig c = configFile != null ? RailyardConfig.load(configFile) : RailyardConfig.defaults();
        if (model != null) {
            c.model = model;
        }
        if (backend != null) {
            c.backend.type = backend;
        }
        if (scheduler != null) {
            c.scheduler.type = scheduler;
        }
        if (draftModel != null) {
            c.draftModel = draftModel;
        }
        if (blockSize != null) {
            c.blockSize = blockSize;
        }
        if (numBlocks != null) {
            c.numBlocks = numBlocks;
        }
        c.applyOverrides(sets);
        if ("speculative".equals(c.scheduler.type)) {
            if (c.draftModel != null && !c.scheduler.settings.containsKey("draft-model")) {
                c.scheduler.settings.put("draft-model", c.draftModel);
            }
            if (numSpeculativeTokens != null) {
                c.scheduler.settings.put("num-speculative-tokens", numSpeculativeTokens);
            }
        } else if (numSpeculativeTokens != null || draftModel != null) {
            throw new UserException("--draft-model and --num-speculative-tokens need --scheduler speculative");
        }
        return c;
    }
}
