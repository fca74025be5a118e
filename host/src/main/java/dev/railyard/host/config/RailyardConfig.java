package dev.railyard.host.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The host's configuration ({@code railyard.yaml}), with defaults that just work:
 *
 * <pre>
 * model: models/railyard-code-8m      # a Hugging Face checkpoint directory
 * plugins-dir: plugins                 # extra plugin jars, each in its own class loader
 * backend:   { type: cpu-reference, ... backend keys }
 * scheduler: { type: continuous, ... scheduler keys }
 * kv:        { block-size: 16, num-blocks: 0 }   # 0: the backend sizes the pool
 * engine:    { max-waiting-requests: 4096 }
 * server:    { host: 127.0.0.1, port: 8000, ... }
 * </pre>
 *
 * Plugin sections are kept as maps: the host binds them onto the chosen plugin's config class.
 * Mutable so that CLI flags can override what the file says.
 */
public final class RailyardConfig {

    private static final Set<String> TOP_LEVEL = Set.of("model", "draft-model", "plugins-dir", "backend", "scheduler", "kv",
            "engine", "server");

    public String model;
    public String draftModel;
    public String pluginsDir = "plugins";
    public final PluginSection backend = new PluginSection("cpu-reference");
    public final PluginSection scheduler = new PluginSection("continuous");
    public int blockSize = 16;
    public int numBlocks = 0;
    public int maxTokensPerStep = 0;
    public int maxWaitingRequests = 4096;
    public final Map<String, Object> server = new LinkedHashMap<>();

    /** A plugin's section: its {@code type} and its own keys. */
    public static final class PluginSection {
        public String type;
        public final Map<String, Object> settings = new LinkedHashMap<>();

        PluginSection(String defaultType) {
            this.type = defaultType;
        }
    }

    /** Defaults only. */
    public static RailyardConfig defaults() {
        return new RailyardConfig();
    }

    /**
     * Reads a YAML file.
     *
     * @throws ConfigException naming the file and the problem (missing, not YAML, unknown key)
     */
    public static RailyardConfig load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config file " + file + " does not exist");
        }
        Map<String, Object> root;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = new ObjectMapper(new YAMLFactory()).readValue(file.toFile(), Map.class);
            root = m == null ? Map.of() : m;
        } catch (IOException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: " + e.getMessage(), e);
        }
        return fromMap(root, file.toString());
    }

    /** Builds a config from a parsed YAML tree; {@code source} names it in messages. */
    public static RailyardConfig fromMap(Map<String, Object> root, String source) {
        RailyardConfig c = new RailyardConfig();
        for (String key : root.keySet()) {
            if (!TOP_LEVEL.contains(key)) {
                throw new ConfigException(source + ": unknown key '" + key + "'; valid keys: " + String.join(", ", new TreeSet<>(TOP_LEVEL)));
            }
        }
        c.model = string(root, "model", source, null);
        c.draftModel = string(root, "draft-model", source, null);
        c.pluginsDir = string(root, "plugins-dir", source, c.pluginsDir);
        section(root, "backend", source, c.backend);
        section(root, "scheduler", source, c.scheduler);
        Map<String, Object> kv = map(root, "kv", source);
        checkKeys(kv, Set.of("block-size", "num-blocks", "max-tokens-per-step"), source + " kv");
        c.blockSize = integer(kv, "block-size", source + " kv", c.blockSize);
        c.numBlocks = integer(kv, "num-blocks", source + " kv", c.numBlocks);
        c.maxTokensPerStep = integer(kv, "max-tokens-per-step", source + " kv", c.maxTokensPerStep);
        Map<String, Object> engine = map(root, "engine", source);
        checkKeys(engine, Set.of("max-waiting-requests"), source + " engine");
        c.maxWaitingRequests = integer(engine, "max-waiting-requests", source + " engine", c.maxWaitingRequests);
        c.server.putAll(map(root, "server", source));
        return c;
    }

    private static void section(Map<String, Object> root, String key, String source, PluginSection into) {
        Map<String, Object> m = map(root, key, source);
        for (Map.Entry<String, Object> e : m.entrySet()) {
            if (e.getKey().equals("type")) {
                into.type = String.valueOf(e.getValue());
            } else {
                into.settings.put(e.getKey(), e.getValue());
            }
        }
    }

    private static void checkKeys(Map<String, Object> m, Set<String> valid, String where) {
        for (String k : m.keySet()) {
            if (!valid.contains(k)) {
                throw new ConfigException(where + ": unknown key '" + k + "'; valid keys: " + String.join(", ", new TreeSet<>(valid)));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> root, String key, String source) {
        Object v = root.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map)) {
            throw new ConfigException(source + ": '" + key + "' must be a mapping, was " + v);
        }
        return (Map<String, Object>) v;
    }

    private static String string(Map<String, Object> m, String key, String source, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : String.valueOf(v);
    }

    private static int integer(Map<String, Object> m, String key, String where, int dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new ConfigException(where + ": '" + key + "' must be an integer, was '" + v + "'");
    }

    /** Parses {@code key=value} overrides ({@code --set scheduler.max-num-seqs=8}). */
    public void applyOverrides(List<String> assignments) {
        for (String a : assignments) {
            int eq = a.indexOf('=');
            int dot = a.indexOf('.');
            if (eq < 0 || dot < 0 || dot > eq) {
                throw new ConfigException("--set expects section.key=value (e.g. scheduler.max-num-seqs=8), was '" + a + "'");
            }
            String section = a.substring(0, dot);
            String key = a.substring(dot + 1, eq);
            Object value = parseScalar(a.substring(eq + 1));
            switch (section) {
                case "backend" -> backend.settings.put(key, value);
                case "scheduler" -> scheduler.settings.put(key, value);
                case "server" -> server.put(key, value);
                default -> throw new ConfigException("--set: unknown section '" + section + "'; valid: backend, scheduler, server");
            }
        }
    }

    static Object parseScalar(String s) {
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException ignored) {
            // not an integer
        }
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException ignored) {
            // not a number
        }
        if (s.contains(",")) {
            return List.of(s.split(","));
        }
        return s;
    }
}
