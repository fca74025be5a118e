package dev.railyard.conformance.matrix;

import dev.railyard.conformance.RuleGroup;
import dev.railyard.conformance.RuleOutcome;
import dev.railyard.conformance.RuleStatus;
import java.util.List;

/**
 * One cell of the matrix: how a rule group came out for one combination. Failed when any rule
 * failed (with the first failure's message), skipped when every rule was skipped (with the first
 * reason), passed otherwise (with how many rules passed and were skipped).
 *
 * @param group the group
 * @param status the cell's status
 * @param passed rules passed
 * @param failed rules failed
 * @param skipped rules skipped
 * @param message the first failure, the first skip reason, or a short pass note
 */
public record GroupCell(RuleGroup group, RuleStatus status, int passed, int failed, int skipped, String message) {

    /** The cell of {@code group} over {@code outcomes} (which may hold other groups too). */
    public static GroupCell of(RuleGroup group, List<RuleOutcome> outcomes) {
        List<RuleOutcome> mine = outcomes.stream().filter(o -> o.rule().group() == group).toList();
        int p = (int) mine.stream().filter(RuleOutcome::passed).count();
        int f = (int) mine.stream().filter(RuleOutcome::failed).count();
        int s = mine.size() - p - f;
        if (f > 0) {
            return new GroupCell(group, RuleStatus.FAIL, p, f, s, mine.stream().filter(RuleOutcome::failed).findFirst().orElseThrow().message());
        }
        if (p == 0) {
            String reason = mine.stream().filter(RuleOutcome::skipped).map(RuleOutcome::message).findFirst().orElse("no rules");
            return new GroupCell(group, RuleStatus.SKIP, 0, 0, s, reason);
        }
        return new GroupCell(group, RuleStatus.PASS, p, 0, s, p + " passed" + (s > 0 ? ", " + s + " skipped" : ""));
    }

    /** Short text for a table cell: {@code pass (5/6, 1 skipped)}, {@code FAIL: ...}, {@code skipped: ...}. */
    public String summary(int maxMessage) {
        return switch (status) {
            case PASS -> "pass (" + passed + "/" + (passed + skipped) + (skipped > 0 ? ", " + skipped + " skipped" : "") + ")";
            case FAIL -> "FAIL (" + failed + "): " + clip(message, maxMessage);
            case SKIP -> "skipped: " + clip(message.replaceFirst("^rule \\S+ skipped: ", ""), maxMessage);
        };
    }

    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 1)) + "…";
    }
}
