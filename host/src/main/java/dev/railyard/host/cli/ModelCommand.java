package dev.railyard.host.cli;

import dev.railyard.host.model.ConfigDialect;
import dev.railyard.host.model.ModelSynthesizer;
import dev.railyard.host.model.SynthPresets;
import dev.railyard.host.model.SynthSpec;
import dev.railyard.spi.model.DType;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Model utilities. */
@Command(name = "model",
        header = "Model utilities: 'railyard model synth' writes a model with random weights.", mixinStandardHelpOptions = true,
        description = "Run 'railyard model COMMAND --help' for a command's options.",
        subcommands = ModelCommand.Synth.class)
final class ModelCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Writes a random-weight model in Hugging Face format. */
    @Command(name = "synth",
            header = "Writes a Llama-family model with random weights in Hugging Face format.", mixinStandardHelpOptions = true, sortOptions = false,
            description = {
                "Writes a Llama-family model with random weights in Hugging Face format (config.json,",
                "generation_config.json, model.safetensors, sharded with an index when large), from a",
                "preset or explicit sizes. Benchmarks and the GPU backend use it: no download needed.",
                "",
                "Example: railyard model synth --preset smollm2-135m --dtype bfloat16 --out /tmp/smollm2"
            })
    static final class Synth implements Callable<Integer> {

        @Option(names = "--preset", paramLabel = "NAME", defaultValue = "tiny",
                description = "smollm2-135m, tinyllama-1.1b, tiny, ... (default: ${DEFAULT-VALUE})")
        String preset;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "directory to write (created)")
        Path out;

        @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float32",
                description = "float32, float16 or bfloat16 (default: ${DEFAULT-VALUE})")
        String dtype;

        @Option(names = "--seed", defaultValue = "0", description = "random seed; equal seeds give identical files")
        long seed;

        @Option(names = "--architecture", paramLabel = "NAME", description = "llama, mistral or qwen2 (default: the preset's)")
        String architecture;

        @Option(names = "--config-dialect", paramLabel = "D", description = "transformers config.json dialect: 4 or 5")
        String dialect;

        @Option(names = "--vocab", description = "vocabulary size") Integer vocab;
        @Option(names = "--hidden", description = "hidden size") Integer hidden;
        @Option(names = "--intermediate", description = "MLP width") Integer intermediate;
        @Option(names = "--layers", description = "decoder layers") Integer layers;
        @Option(names = "--heads", description = "attention heads") Integer heads;
        @Option(names = "--kv-heads", description = "key/value heads") Integer kvHeads;

        @Option(names = "--tied", arity = "0..1", paramLabel = "BOOL", description = "tie the output head to the embedding")
        Boolean tied;

        @Option(names = "--shard-size-mb", paramLabel = "MB", description = "largest weight file (default 2048)")
        Long shardSizeMb;

        @Override
        public Integer call() {
            SynthSpec spec;
            try {
                spec = SynthPresets.byName(preset).withDType(DType.parse(dtype)).withSeed(seed);
                if (architecture != null) {
                    spec = spec.withArchitecture(architecture);
                }
                if (dialect != null) {
                    spec = spec.withDialect(ConfigDialect.parse(dialect));
                }
                var m = spec.model();
                if (vocab != null || hidden != null || intermediate != null || layers != null || heads != null || kvHeads != null) {
                    spec = spec.withSizes(or(vocab, m.vocabSize()), or(hidden, m.hiddenSize()), or(intermediate, m.intermediateSize()),
                            or(layers, m.numLayers()), or(heads, m.numAttentionHeads()), or(kvHeads, m.numKeyValueHeads()));
                }
                if (tied != null) {
                    spec = spec.withTiedEmbeddings(tied);
                }
                if (shardSizeMb != null) {
                    spec = spec.withShardSize(shardSizeMb << 20);
                }
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            System.err.printf("writing %s (%,d parameters, %.1f MB) to %s%n", preset, spec.model().parameterCount(),
                    spec.weightBytes() / 1e6, out);
            long t0 = System.nanoTime();
            ModelSynthesizer.Result r = ModelSynthesizer.write(spec, out, line -> System.err.println("  " + line));
            System.err.printf("done in %.1f s: %d tensors in %d file(s)%n", (System.nanoTime() - t0) / 1e9, r.tensorCount(),
                    r.weightFiles().size());
            return 0;
        }

        private static int or(Integer v, int dflt) {
            return v == null ? dflt : v;
        }
    }
}
