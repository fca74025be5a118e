package dev.railyard.conformance;

/** How a rule came out. */
public enum RuleStatus {
    PASS, FAIL, SKIP
}
