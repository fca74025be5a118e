package dev.railyard.conformance.matrix;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleGroup;
import dev.railyard.conformance.RuleOutcome;
import dev.railyard.conformance.RuleStatus;
import java.util.Locale;

/**
 * The matrix as Markdown: a summary table (one row per combination, one column per rule group,
 * each cell pass, FAIL with the first message, or skipped with the reason), then every rule's
 * outcome per combination, then the rules themselves.
 */
public final class MarkdownReport {

    private MarkdownReport() {
    }

    public static String render(MatrixResult m) {
        StringBuilder sb = new StringBuilder();
        long failedCombos = m.combinations().stream().filter(c -> !c.passed()).count();
        sb.append("# Railyard conformance report\n\n");
        sb.append("Generated ").append(m.generatedAt()).append(" in ").append(String.format(Locale.ROOT, "%.1f", m.millis() / 1000.0))
                .append(" s: ").append(m.combinations().size()).append(" combinations, ")
                .append(failedCombos == 0 ? "all pass" : failedCombos + " with failures").append(".\n\n");
        sb.append(summaryTable(m, 160)).append('\n');
        sb.append("## Details\n");
        for (CombinationResult c : m.combinations()) {
            sb.append("\n### ").append(c.scheduler()).append(" × ").append(c.backend()).append("\n\n");
            sb.append("| rule | status | message |\n|---|---|---|\n");
            for (RuleOutcome o : c.outcomes()) {
                sb.append("| ").append(o.rule().id()).append(" | ").append(status(o.status())).append(" | ")
                        .append(escape(o.message())).append(" |\n");
            }
        }
        sb.append("\n## Rules\n\n| id | group | statement |\n|---|---|---|\n");
        for (Rule r : Rule.values()) {
            sb.append("| ").append(r.id()).append(" | ").append(r.group().title()).append(" | ").append(escape(r.statement())).append(" |\n");
        }
        return sb.toString();
    }

    /** Just the summary table, cells clipped to {@code maxMessage} characters. */
    public static String summaryTable(MatrixResult m, int maxMessage) {
        StringBuilder sb = new StringBuilder("| scheduler | backend |");
        for (RuleGroup g : RuleGroup.values()) {
            sb.append(' ').append(g.title()).append(" |");
        }
        sb.append("\n|---|---|");
        sb.append("---|".repeat(RuleGroup.values().length)).append('\n');
        for (CombinationResult c : m.combinations()) {
            sb.append("| ").append(c.scheduler()).append(" | ").append(c.backend()).append(" |");
            for (GroupCell cell : c.cells()) {
                sb.append(' ').append(escape(cell.summary(maxMessage))).append(" |");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String status(RuleStatus s) {
        return switch (s) {
            case PASS -> "pass";
            case FAIL -> "**FAIL**";
            case SKIP -> "skipped";
        };
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
