package dev.railyard.host.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.railyard.host.engine.Engine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The official {@code openai} npm client drives the server: a completion, a chat completion, two
 * streams (framing, deltas, finish reason, usage chunk), errors and the model list. The Node
 * script and its locked dependencies live in {@code src/test/node}; {@code npm ci} installs them
 * when {@code node_modules} is missing. Skipped (with the reason) only when {@code node} itself
 * is not installed; a missing {@code npm} or a failing install fails the test.
 */
class OpenAiNodeClientTest {

    private static final Path NODE_DIR = Path.of("src/test/node");

    @Test
    void theOfficialOpenAiClientWorksAgainstTheServer() throws Exception {
        Assumptions.assumeTrue(runs("node", "--version"),
                "node is not installed: the openai npm client test needs Node.js 20+ (CI has it)");
        assertThat(NODE_DIR.resolve("client-test.mjs")).exists();
        if (!Files.isDirectory(NODE_DIR.resolve("node_modules/openai"))) {
            if (!runs("npm", "--version")) {
                fail("node is installed but npm is not: install npm to run the openai client test");
            }
            Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), 300);
            assertThat(install.exit()).as("npm ci in %s failed:%n%s", NODE_DIR, install.output()).isZero();
        }
        Engine engine = TestEngines.engine(TestEngines.backend(), 4096);
        try (OpenAiServer server = OpenAiServer.start(ServedModel.of(TestEngines.MODEL, engine, ChatTemplate.defaultTemplate()),
                ServerSettings.defaults().withPort(0))) {
            Result r = run(List.of("node", "client-test.mjs", server.baseUri() + "/v1", TestEngines.MODEL), 120);
            assertThat(r.exit()).as("node client-test.mjs failed:%n%s", r.output()).isZero();
            assertThat(r.output()).contains("ok completion: \"defgh\"", "ok chat completion: \"abcde\"", "ok chat stream",
                    "ok completion stream: \"yzabc\"", "ok errors and models", "all openai client checks passed");
        }
    }

    private record Result(int exit, String output) {
    }

    private static boolean runs(String... command) {
        try {
            return run(List.of(command), 30).exit() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static Result run(List<String> command, int timeoutSeconds) throws IOException {
        Process p = new ProcessBuilder(command).directory(NODE_DIR.toFile()).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
