package dev.railyard.host.cli;

import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.server.OpenAiServer;
import dev.railyard.host.server.ServedModel;
import dev.railyard.host.server.ServerSettings;
import dev.railyard.host.wiring.RailyardRuntime;
import dev.railyard.host.wiring.RuntimeFactory;
import dev.railyard.spi.Clock;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Serves the configured engine over an OpenAI-compatible HTTP API until SIGTERM or Ctrl-C. */
@Command(name = "serve",
        header = "Serves the model over an OpenAI-compatible HTTP API.", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Serves the model over an OpenAI-compatible HTTP API (Helidon SE, one virtual",
            "thread per request):",
            "  POST /v1/completions, POST /v1/chat/completions (\"stream\": true streams",
            "  server-sent events), GET /v1/models, /health, /ready and /metrics.",
            "Settings: the server: section of --config (host, port, served-model-name,",
            "chat-format, shutdown-grace-seconds, keep-alive-seconds), then the flags.",
            "SIGTERM or Ctrl-C stops it gracefully: new requests get 503, in-flight ones",
            "may finish within the grace period (the rest are cancelled), then the engine",
            "and the model are closed.",
            "",
            "Examples:",
            "  railyard serve --port 8000",
            "  railyard serve --port 0 --scheduler speculative --served-model-name code",
            "  curl localhost:8000/v1/completions \\",
            "    -d '{\"prompt\": \"def add(a, b):\", \"max_tokens\": 32}'"
        })
final class ServeCommand implements Callable<Integer> {

    @Option(names = "--host", paramLabel = "ADDR", description = "address to listen on (default: 127.0.0.1)")
    String host;

    @Option(names = "--port", paramLabel = "N", description = "port to listen on; 0 picks a free one and prints it (default: 8000)")
    Integer port;

    @Option(names = "--served-model-name", paramLabel = "NAME", description = "the model id clients use (default: the model directory's name)")
    String servedModelName;

    @Option(names = "--chat-format", paramLabel = "FORMAT",
            description = "chat prompt format: auto (detect from the model's chat_template), chatml, llama3, zephyr, mistral, gemma, default")
    String chatFormat;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", description = "how long in-flight requests may finish on shutdown (default: 30)")
    Double shutdownGrace;

    @Mixin
    EngineOptions engineOptions;

    @Override
    public Integer call() throws Exception {
        RailyardConfig config = engineOptions.toConfig();
        ServerSettings settings = ServerSettings.fromConfig(config.server);
        if (host != null) {
            settings = settings.withHost(host);
        }
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw new UserException("--port must be in [0, 65535], was " + port);
            }
            settings = settings.withPort(port);
        }
        if (servedModelName != null) {
            settings = settings.withServedModelName(servedModelName);
        }
        if (chatFormat != null) {
            settings = settings.withChatFormat(chatFormat);
        }
        if (shutdownGrace != null) {
            if (shutdownGrace < 0) {
                throw new UserException("--shutdown-grace must be >= 0, was " + shutdownGrace);
            }
            settings = settings.withShutdownGrace(Duration.ofMillis((long) (shutdownGrace * 1000)));
        }
        PrintStream err = System.err;
        RailyardRuntime rt = RuntimeFactory.open(config, Clock.system(), line -> err.println("[railyard] " + line));
        OpenAiServer server;
        ServedModel model;
        try {
            model = ServedModel.of(rt, settings.servedModelName(), settings.chatFormat());
            server = OpenAiServer.start(model, settings);
        } catch (RuntimeException e) {
            rt.close();
            throw new UserException(e.getMessage());
        }
        Duration grace = settings.shutdownGrace();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            err.println("[railyard] shutting down: finishing in-flight requests (grace " + grace.toMillis() / 1000.0 + " s)");
            try {
                server.shutdown(grace);
            } finally {
                rt.close();
                err.println("[railyard] stopped");
                stopped.countDown();
            }
        }, "railyard-shutdown"));
        err.println("[railyard] chat template: " + model.chatTemplate().describe());
        System.out.println("railyard: serving model '" + model.name() + "' at " + server.baseUri() + "/v1 (port " + server.port()
                + "); metrics at " + server.baseUri() + "/metrics; Ctrl-C stops");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
