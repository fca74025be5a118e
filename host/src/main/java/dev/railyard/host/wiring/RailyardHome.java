package dev.railyard.host.wiring;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the installation lives (the repository root when run through {@code ./railyard}), and
 * the default models shipped in it.
 */
public final class RailyardHome {

    /** The default model, relative to the home directory. */
    public static final String DEFAULT_MODEL = "models/railyard-code-8m";
    /** The default draft model, relative to the home directory. */
    public static final String DEFAULT_DRAFT_MODEL = "models/railyard-code-draft-1m";

    private RailyardHome() {
    }

    /** The {@code railyard.home} system property, else the working directory. */
    public static Path home() {
        String h = System.getProperty("railyard.home");
        return Path.of(h == null ? "." : h).toAbsolutePath().normalize();
    }

    /**
     * Resolves a model path given by a user: as given when it exists, else relative to the home
     * directory; {@code null} means the default model.
     */
    public static Path resolveModel(String path, String defaultPath) {
        String p = path == null ? defaultPath : path;
        Path given = Path.of(p);
        if (Files.exists(given) || given.isAbsolute()) {
            return given;
        }
        Path inHome = home().resolve(p);
        return Files.exists(inHome) ? inHome : given;
    }
}
