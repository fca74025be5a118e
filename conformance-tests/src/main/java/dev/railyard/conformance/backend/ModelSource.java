package dev.railyard.conformance.backend;

import dev.railyard.conformance.sim.SyntheticModel;
import dev.railyard.host.model.ModelLoader;
import dev.railyard.host.model.ModelSynthesizer;
import dev.railyard.host.model.SynthPresets;
import dev.railyard.spi.model.LoadedModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Where a backend's model comes from. {@link #load()} may be called more than once; callers close the weights. */
public interface ModelSource {

    /** Loads (or synthesizes) the model. */
    LoadedModel load();

    /** One line for messages. */
    String describe();

    /** A weightless model with this vocabulary (for the {@code simulated} backend). */
    static ModelSource synthetic(int vocab, int maxContext) {
        return new ModelSource() {
            @Override
            public LoadedModel load() {
                return SyntheticModel.of(vocab, maxContext);
            }

            @Override
            public String describe() {
                return "synthetic (no weights, vocabulary " + vocab + ")";
            }
        };
    }

    /** A Hugging Face checkpoint directory. */
    static ModelSource directory(Path dir) {
        return new ModelSource() {
            @Override
            public LoadedModel load() {
                return ModelLoader.load(dir);
            }

            @Override
            public String describe() {
                return dir.toString();
            }
        };
    }

    /**
     * The host's {@code tiny} preset (Llama, vocabulary 512, hidden 64, 2 layers) with random
     * weights, synthesized once per JVM into a temporary directory that is deleted at exit.
     */
    static ModelSource tinySynthesized() {
        return TinyModel.SOURCE;
    }

    /** Holds the synthesized tiny model's directory. */
    final class TinyModel {
        static final ModelSource SOURCE = new ModelSource() {
            @Override
            public LoadedModel load() {
                return ModelLoader.load(dir());
            }

            @Override
            public String describe() {
                return "synthesized 'tiny' preset (Llama, vocabulary 512, hidden 64, 2 layers, random weights)";
            }
        };
        private static Path dir;

        private TinyModel() {
        }

        static synchronized Path dir() {
            if (dir == null) {
                try {
                    Path root = Files.createTempDirectory("railyard-kit-tiny-");
                    Path d = root.resolve("tiny");
                    ModelSynthesizer.write(SynthPresets.byName("tiny"), d, s -> { });
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
                    dir = d;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot synthesize the tiny model: " + e.getMessage(), e);
                }
            }
            return dir;
        }

        private static void deleteTree(Path root) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // best effort at exit
            }
        }
    }
}
