package dev.railyard.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.railyard.host.cli.Main;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code railyard conformance} and {@code railyard simulate} are in the CLI and write their reports. */
class CliTest {

    @TempDir
    Path tmp;

    @Test
    void conformanceWritesMarkdownAndJson() throws Exception {
        int rc = Main.run("conformance", "--scheduler", "continuous", "--backend", "simulated", "--output", tmp.toString());
        assertThat(rc).isZero();
        String md = Files.readString(tmp.resolve("report.md"));
        assertThat(md).contains("| scheduler | backend | Plans | Correctness | Liveness & fairness | Contracts | Backend |")
                .contains("| continuous | simulated | pass (12/12)").contains("## Rules");
        JsonNode json = new ObjectMapper().readTree(tmp.resolve("report.json").toFile());
        assertThat(json.get("allPassed").asBoolean()).isTrue();
        JsonNode combo = json.get("combinations").get(0);
        assertThat(combo.get("groups").get("PLAN").get("status").asText()).isEqualTo("PASS");
        assertThat(combo.get("rules").size()).isEqualTo(Rule.values().length);
    }

    @Test
    void anUnknownSchedulerIsAOneLineError() {
        assertThat(Main.run("conformance", "--scheduler", "nope", "--output", tmp.toString())).isNotZero();
    }

    @Test
    void simulateWritesTheTableAndTheChart() throws Exception {
        int rc = Main.run("simulate", "--scheduler", "continuous", "--scheduler", "speculative", "--requests", "150", "--loads",
                "0.3,0.9", "--output", tmp.toString());
        assertThat(rc).isZero();
        assertThat(Files.readString(tmp.resolve("tradeoff.md"))).contains("| continuous | 30% |").contains("| speculative | 90% |");
        BufferedImage png = ImageIO.read(tmp.resolve("tradeoff.png").toFile());
        assertThat(png.getWidth()).isGreaterThan(1000);
    }
}
