package dev.railyard.host.server;

import dev.railyard.host.config.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code server:} section of {@code railyard.yaml}:
 *
 * <pre>
 * server:
 *   host: 127.0.0.1             # the address to listen on
 *   port: 8000                  # 0 picks a free port
 *   served-model-name: my-model # default: the checkpoint directory's name
 *   chat-format: auto           # auto (detect from chat_template), chatml, llama3, zephyr, mistral, gemma, default
 *   shutdown-grace-seconds: 30  # on SIGTERM: how long in-flight requests may finish
 *   keep-alive-seconds: 5       # SSE comment sent on a stream that has been quiet this long
 * </pre>
 *
 * @param host the address to listen on
 * @param port the port; 0 picks a free one
 * @param servedModelName the model id, or null for the checkpoint directory's name
 * @param chatFormat {@code auto} or a {@link ChatTemplate.Format} name
 * @param shutdownGrace how long in-flight requests may finish on shutdown
 * @param keepAlive after this long without output, a stream gets an SSE comment (which also
 *     detects a client that went away)
 */
public record ServerSettings(String host, int port, String servedModelName, String chatFormat, Duration shutdownGrace,
                             Duration keepAlive) {

    private static final Set<String> KEYS = Set.of("host", "port", "served-model-name", "chat-format", "shutdown-grace-seconds",
            "keep-alive-seconds");

    public ServerSettings {
        if (port < 0 || port > 65535) {
            throw new ConfigException("server port must be in [0, 65535], was " + port);
        }
        if (chatFormat != null && !chatFormat.equalsIgnoreCase("auto")) {
            try {
                ChatTemplate.parseFormat(chatFormat);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(e.getMessage());
            }
        }
    }

    /** 127.0.0.1:8000, model named after its directory, detected chat format, 30 s grace. */
    public static ServerSettings defaults() {
        return new ServerSettings("127.0.0.1", 8000, null, "auto", Duration.ofSeconds(30), Duration.ofSeconds(5));
    }

    /** Reads the {@code server:} map; unknown keys are refused with the valid ones. */
    public static ServerSettings fromConfig(Map<String, Object> server) {
        for (String k : server.keySet()) {
            if (!KEYS.contains(k)) {
                throw new ConfigException("server: unknown key '" + k + "'; valid keys: " + String.join(", ", new TreeSet<>(KEYS)));
            }
        }
        ServerSettings d = defaults();
        return new ServerSettings(
                str(server, "host", d.host()),
                (int) num(server, "port", d.port()),
                str(server, "served-model-name", d.servedModelName()),
                str(server, "chat-format", d.chatFormat()),
                Duration.ofMillis((long) (num(server, "shutdown-grace-seconds", d.shutdownGrace().toMillis() / 1000.0) * 1000)),
                Duration.ofMillis((long) (num(server, "keep-alive-seconds", d.keepAlive().toMillis() / 1000.0) * 1000)));
    }

    public ServerSettings withHost(String h) {
        return new ServerSettings(h, port, servedModelName, chatFormat, shutdownGrace, keepAlive);
    }

    public ServerSettings withPort(int p) {
        return new ServerSettings(host, p, servedModelName, chatFormat, shutdownGrace, keepAlive);
    }

    public ServerSettings withServedModelName(String n) {
        return new ServerSettings(host, port, n, chatFormat, shutdownGrace, keepAlive);
    }

    public ServerSettings withChatFormat(String f) {
        return new ServerSettings(host, port, servedModelName, f, shutdownGrace, keepAlive);
    }

    public ServerSettings withShutdownGrace(Duration g) {
        return new ServerSettings(host, port, servedModelName, chatFormat, g, keepAlive);
    }

    public ServerSettings withKeepAlive(Duration k) {
        return new ServerSettings(host, port, servedModelName, chatFormat, shutdownGrace, k);
    }

    private static String str(Map<String, Object> m, String key, String dflt) {
        Object v = m.get(key);
        return v == null ? dflt : String.valueOf(v);
    }

    private static double num(Map<String, Object> m, String key, double dflt) {
        Object v = m.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw new ConfigException("server: '" + key + "' must be a number, was '" + v + "'");
    }
}
