package dev.railyard.conformance;

/** The groups rules belong to; one column each in the matrix report. */
public enum RuleGroup {
    /** The host's plan rules: every plan the scheduler returns is valid. */
    PLAN("Plans"),
    /** Outputs, KV blocks and request accounting are exactly right. */
    CORRECTNESS("Correctness"),
    /** Every request is served within a bound; priorities and fairness when declared. */
    LIVENESS("Liveness & fairness"),
    /** The scheduler's declared latency and throughput contracts, measured in virtual time. */
    CONTRACTS("Contracts"),
    /** The backend agrees with the reference and handles every step it may be given. */
    BACKEND("Backend");

    private final String title;

    RuleGroup(String title) {
        this.title = title;
    }

    /** The column title. */
    public String title() {
        return title;
    }
}
