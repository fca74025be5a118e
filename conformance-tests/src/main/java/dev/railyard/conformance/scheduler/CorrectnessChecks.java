package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleSkipped;
import dev.railyard.conformance.RuleViolation;
import dev.railyard.conformance.driver.CancelObservation;
import dev.railyard.conformance.driver.ObservedScheduler.Leftover;
import dev.railyard.conformance.driver.RequestMetrics;
import dev.railyard.conformance.driver.RunResult;
import dev.railyard.spi.scheduler.FinishReason;
import dev.railyard.spi.scheduler.SequenceState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rules S1..S10: outputs, KV blocks, request accounting, cancellation, time-outs, speculation, rejections. */
final class CorrectnessChecks {

    private final ScenarioRuns runs;
    private final ReferenceOutputs reference;
    private final SchedulerProfile profile;

    CorrectnessChecks(ScenarioRuns runs, ReferenceOutputs reference) {
        this.runs = runs;
        this.reference = reference;
        this.profile = runs.profile();
    }

    private void requireBatchInvariant(Rule rule) {
        if (!runs.geometry().batchInvariant()) {
            throw new RuleSkipped(rule, "the backend does not declare BATCH_INVARIANT, so batched outputs may legitimately differ "
                    + "from the reference path; rule B2 bounds its logits instead");
        }
    }

    private boolean speculative() {
        return profile.has(SchedulerCapability.SPECULATION);
    }

    String s1Greedy() {
        requireBatchInvariant(Rule.S1_GREEDY_MATCHES_REFERENCE);
        int n = OutputCheck.compare(Rule.S1_GREEDY_MATCHES_REFERENCE, ScenarioCatalog.MIXED,
                runs.usable(Rule.S1_GREEDY_MATCHES_REFERENCE, ScenarioCatalog.MIXED), reference, m -> m.spec().isGreedy());
        String extra = "";
        if (runs.applicable().contains(ScenarioCatalog.SPEC_GREEDY)) {
            n += OutputCheck.compare(Rule.S1_GREEDY_MATCHES_REFERENCE, ScenarioCatalog.SPEC_GREEDY,
                    runs.usable(Rule.S1_GREEDY_MATCHES_REFERENCE, ScenarioCatalog.SPEC_GREEDY), reference, m -> true);
            extra = " and " + ScenarioCatalog.SPEC_GREEDY;
        }
        return n + " greedy requests matched the reference in scenario " + ScenarioCatalog.MIXED + extra;
    }

    String s2Sampled() {
        if (speculative()) {
            throw new RuleSkipped(Rule.S2_SAMPLED_MATCHES_REFERENCE, "the scheduler declares SPECULATION: speculative sampling keeps "
                    + "the output distribution, not the random stream, so rule S8 checks the distribution instead");
        }
        requireBatchInvariant(Rule.S2_SAMPLED_MATCHES_REFERENCE);
        int n = OutputCheck.compare(Rule.S2_SAMPLED_MATCHES_REFERENCE, ScenarioCatalog.MIXED,
                runs.usable(Rule.S2_SAMPLED_MATCHES_REFERENCE, ScenarioCatalog.MIXED), reference, m -> !m.spec().isGreedy());
        return n + " sampled requests matched the reference in scenario " + ScenarioCatalog.MIXED;
    }

    String s3Preemption() {
        requireBatchInvariant(Rule.S3_PREEMPTION_PRESERVES_OUTPUT);
        RunResult r = runs.usable(Rule.S3_PREEMPTION_PRESERVES_OUTPUT, ScenarioCatalog.TINY_POOL);
        int n = OutputCheck.compare(Rule.S3_PREEMPTION_PRESERVES_OUTPUT, ScenarioCatalog.TINY_POOL, r, reference,
                m -> !speculative() || m.spec().isGreedy());
        int preemptions = r.requests().stream().filter(RequestMetrics::ended).mapToInt(m -> m.result().preemptions()).sum();
        return n + " requests matched the reference in a pool of " + runs.outcome(ScenarioCatalog.TINY_POOL).scenario().numBlocks()
                + " blocks (" + preemptions + " preemptions)";
    }

    String s4NoLeak() {
        List<String> judged = new ArrayList<>();
        for (ScenarioRuns.Outcome o : judgeable(Rule.S4_NO_KV_LEAK)) {
            RunResult r = o.result();
            String name = o.scenario().name();
            RuleViolation.require(r.idleLeaks() == 0, Rule.S4_NO_KV_LEAK, "in scenario '" + name + "' the engine went idle "
                    + r.idleLeaks() + " times with KV blocks still in use", "the host's block manager (this is a host bug)");
            if (!r.drained() && r.stopReason() != null && !r.stopReason().startsWith("stuck")) {
                throw new RuleViolation(Rule.S4_NO_KV_LEAK, "scenario '" + name + "' did not run to completion: " + r.stopReason(),
                        "that every admitted sequence is scheduled until it ends");
            }
            List<Leftover> held = r.leftovers().stream()
                    .filter(l -> l.state() == SequenceState.RUNNING || l.allocatedBlocks() > 0).toList();
            if (!held.isEmpty()) {
                int blocks = held.stream().mapToInt(Leftover::allocatedBlocks).sum();
                Leftover l = held.getFirst();
                throw new RuleViolation(Rule.S4_NO_KV_LEAK, "in scenario '" + name + "' the scheduler planned no more work while "
                        + held.size() + " admitted requests had not ended and held " + blocks + " KV blocks (e.g. " + describe(r, l) + ")",
                        "that every running sequence keeps being scheduled until it ends: decoding sequences have exactly one "
                                + "pending token each step, including the last one");
            }
            judged.add(name);
        }
        return "no blocks held when work ran out in " + judged.size() + " scenarios";
    }

    String s5NoLostRequest() {
        int requests = 0;
        for (ScenarioRuns.Outcome o : judgeable(Rule.S5_NO_LOST_REQUEST)) {
            RunResult r = o.result();
            String name = o.scenario().name();
            for (RequestMetrics m : r.requests()) {
                requests++;
                RuleViolation.require(m.submitError() == null, Rule.S5_NO_LOST_REQUEST, m.spec() + " in scenario '" + name
                        + "' was refused at submission: " + m.submitError(), "the kit's workload (this is a kit bug)");
                RuleViolation.require(m.completions() <= 1, Rule.S5_NO_LOST_REQUEST, m.spec() + " in scenario '" + name + "' ended "
                        + m.completions() + " times", "the host's finish path (this is a host bug)");
                if (!m.ended()) {
                    continue;
                }
                RuleViolation.require(Arrays.equals(m.result().promptTokens(), m.spec().prompt()), Rule.S5_NO_LOST_REQUEST,
                        m.spec() + " in scenario '" + name + "' came back with another prompt", "the host's request bookkeeping");
                RuleViolation.require(m.streamed().equals(boxed(m.tokens())), Rule.S5_NO_LOST_REQUEST, m.spec() + " in scenario '"
                        + name + "' streamed " + m.streamed().size() + " tokens but its result holds " + m.tokens().length,
                        "the host's streaming path");
                RuleViolation.require(m.tokens().length <= m.spec().maxTokens(), Rule.S5_NO_LOST_REQUEST, m.spec()
                        + " produced " + m.tokens().length + " tokens, more than its max", "the host's length limit");
            }
            // waiting requests stuck behind blocks that admitted sequences never give back are rule S4's
            boolean leak = r.leftovers().stream().anyMatch(l -> l.state() == SequenceState.RUNNING || l.allocatedBlocks() > 0);
            List<Leftover> waiting = leak ? List.of() : r.leftovers().stream()
                    .filter(l -> l.state() != SequenceState.RUNNING && l.allocatedBlocks() == 0 && l.wouldFitWhole()).toList();
            if (!waiting.isEmpty()) {
                throw new RuleViolation(Rule.S5_NO_LOST_REQUEST, "in scenario '" + name + "' the scheduler planned no more work while "
                        + waiting.size() + " requests were still waiting, never to be served, although each would fit whole in the "
                        + waiting.getFirst().freeBlocks() + " free KV blocks (e.g. " + describe(r, waiting.getFirst()) + ")",
                        "that every waiting sequence is eventually admitted: no request may be ignored, whatever its id, "
                                + "length or priority; reject it with a reason if it can never run");
            }
        }
        return requests + " requests each ended at most once with their own prompt and tokens; none left waiting";
    }

    String s6Cancel() {
        RunResult r = runs.usable(Rule.S6_CANCEL_FREES, ScenarioCatalog.CANCEL);
        int waiting = 0;
        int holding = 0;
        for (CancelObservation c : r.cancels()) {
            RequestMetrics m = r.requests().get(c.requestIndex());
            if (!c.wasActive()) {
                continue;
            }
            RuleViolation.require(c.reasonRightAfter() == FinishReason.CANCELLED, Rule.S6_CANCEL_FREES, m.spec()
                    + " was cancelled but " + (c.reasonRightAfter() == null ? "had not ended" : "ended " + c.reasonRightAfter())
                    + " right after", "the host's cancel path");
            if (c.wasAdmitted()) {
                holding++;
                RuleViolation.require(c.usedBlocksAfter() < c.usedBlocksBefore(), Rule.S6_CANCEL_FREES, m.spec()
                        + " held KV blocks when cancelled, but blocks in use went from " + c.usedBlocksBefore() + " to "
                        + c.usedBlocksAfter(), "the host's cancel path frees the sequence's blocks");
            } else {
                waiting++;
                RuleViolation.require(c.usedBlocksAfter() == c.usedBlocksBefore(), Rule.S6_CANCEL_FREES, "cancelling waiting "
                        + m.spec() + " changed blocks in use from " + c.usedBlocksBefore() + " to " + c.usedBlocksAfter(),
                        "the host's cancel path");
            }
        }
        if (waiting + holding == 0) {
            throw new RuleSkipped(Rule.S6_CANCEL_FREES, "none of the " + r.cancels().size()
                    + " cancels found its request still active (each had already ended), so nothing about cancelling was observed");
        }
        String outputs = compareOthers(Rule.S6_CANCEL_FREES, ScenarioCatalog.CANCEL, r,
                r.cancels().stream().map(CancelObservation::requestIndex).toList());
        return "cancelled " + (waiting + holding) + " active requests (" + waiting + " waiting, " + holding
                + " holding blocks), freed at once; " + outputs;
    }

    String s7Timeout() {
        RunResult r = runs.usable(Rule.S7_TIMEOUT_FREES, ScenarioCatalog.TIMEOUT);
        int timedOut = 0;
        List<Integer> withTimeout = new ArrayList<>();
        for (RequestMetrics m : r.requests()) {
            long t = m.spec().timeoutNanos();
            if (t <= 0) {
                continue;
            }
            withTimeout.add(m.index());
            if (!m.ended()) {
                // still active when the run stopped: fine only while its time-out had not yet passed
                RuleViolation.require(m.submitError() != null || r.virtualNanos() - m.arrivalNanos() < t, Rule.S7_TIMEOUT_FREES,
                        m.spec() + " was still active when the run ended " + (r.virtualNanos() - m.arrivalNanos())
                                + " ns after its arrival, past its time-out of " + t + " ns",
                        "the host's time-out check at the start of each iteration (a request past its time-out ends TIMEOUT"
                                + " whatever the scheduler plans)");
                continue;
            }
            if (m.finishReason() == FinishReason.TIMEOUT) {
                timedOut++;
                RuleViolation.require(m.endToEndNanos() >= t, Rule.S7_TIMEOUT_FREES, m.spec() + " ended TIMEOUT after "
                        + m.endToEndNanos() + " ns, before its time-out of " + t + " ns", "the host's time-out check");
            } else {
                RuleViolation.require(m.completedNormally() && m.endToEndNanos() <= t, Rule.S7_TIMEOUT_FREES, m.spec()
                        + " with a time-out of " + t + " ns ended " + m.finishReason() + " after " + m.endToEndNanos() + " ns",
                        "the host's time-out check at the start of each iteration");
            }
        }
        if (timedOut == 0) {
            throw new RuleSkipped(Rule.S7_TIMEOUT_FREES, "none of the " + withTimeout.size() + " requests with a time-out"
                    + " reached it (each completed first), so nothing about time-outs was observed");
        }
        String outputs = compareOthers(Rule.S7_TIMEOUT_FREES, ScenarioCatalog.TIMEOUT, r, withTimeout);
        return timedOut + " of " + withTimeout.size() + " requests with a time-out ended TIMEOUT in time; " + outputs;
    }

    private String compareOthers(Rule rule, String scenario, RunResult r, List<Integer> excluded) {
        if (!runs.geometry().batchInvariant()) {
            return "outputs not compared (the backend is not batch-invariant)";
        }
        int n = OutputCheck.compare(rule, scenario, r, reference,
                m -> !excluded.contains(m.index()) && (!speculative() || m.spec().isGreedy()));
        return n + " other requests matched the reference";
    }

    String s8Distribution() {
        requireSpeculation(Rule.S8_SPECULATION_PRESERVES_DISTRIBUTION);
        RunResult r = runs.usable(Rule.S8_SPECULATION_PRESERVES_DISTRIBUTION, ScenarioCatalog.SPEC_SAMPLED);
        List<RequestMetrics> done = r.where(RequestMetrics::completedNormally);
        if (done.size() < 20) {
            throw new RuleSkipped(Rule.S8_SPECULATION_PRESERVES_DISTRIBUTION, "only " + done.size() + " sampled requests completed");
        }
        reference.ensure(done.stream().map(RequestMetrics::spec).toList());
        Map<Integer, Integer> mine = new HashMap<>();
        Map<Integer, Integer> ref = new HashMap<>();
        int samples = 0;
        for (RequestMetrics m : done) {
            int[] a = m.tokens();
            int[] b = reference.of(m.spec());
            for (int i = 1; i < Math.min(a.length, b.length); i++) {
                mine.merge(a[i], 1, Integer::sum);
                ref.merge(b[i], 1, Integer::sum);
                samples++;
            }
        }
        DistributionDistance d = DistributionDistance.of(mine, ref);
        RuleViolation.require(d.totalVariation() <= d.bound(), Rule.S8_SPECULATION_PRESERVES_DISTRIBUTION, String.format(
                "over %d sequences (%d tokens after the first), the speculative outputs are %.3f away in total variation from the "
                        + "reference path's, beyond the sampling bound %.3f (%d draft tokens proposed, %d accepted)",
                done.size(), samples, d.totalVariation(), d.bound(), r.draftsProposed(), r.draftsAccepted()),
                "the proposal distributions the drafts carry: DraftProposal.probabilities must be the distributions the draft "
                        + "tokens were really drawn from (null only for deterministic drafts)");
        return String.format("total variation %.3f within the bound %.3f over %d sequences (%d drafts, %d accepted)",
                d.totalVariation(), d.bound(), done.size(), r.draftsProposed(), r.draftsAccepted());
    }

    String s9Exercised() {
        requireSpeculation(Rule.S9_SPECULATION_EXERCISED);
        long proposed = 0;
        long accepted = 0;
        for (String s : List.of(ScenarioCatalog.SPEC_GREEDY, ScenarioCatalog.SPEC_SAMPLED)) {
            RunResult r = runs.usable(Rule.S9_SPECULATION_EXERCISED, s);
            proposed += r.draftsProposed();
            accepted += r.draftsAccepted();
        }
        RuleViolation.require(proposed > 0 && accepted > 0, Rule.S9_SPECULATION_EXERCISED, proposed + " draft tokens proposed and "
                + accepted + " accepted on repetitive prompts", "that the scheduler opens its drafter and puts drafts into plans for "
                + "decoding sequences, or stop declaring SPECULATION");
        return proposed + " draft tokens proposed, " + accepted + " accepted";
    }

    private void requireSpeculation(Rule rule) {
        if (!speculative()) {
            throw new RuleSkipped(rule, "the scheduler does not declare SPECULATION");
        }
        if (!runs.geometry().multiPositionLogits()) {
            throw new RuleSkipped(rule, "the backend does not declare MULTI_POSITION_LOGITS, so no draft can be verified on it");
        }
    }

    String s10Rejections() {
        boolean declared = profile.has(SchedulerCapability.ADMISSION_CONTROL);
        int total = 0;
        for (ScenarioRuns.Outcome o : judgeable(Rule.S10_REJECTIONS_EXPLAINED)) {
            List<String> reasons = o.result().rejectionReasons();
            total += reasons.size();
            RuleViolation.require(declared || reasons.isEmpty(), Rule.S10_REJECTIONS_EXPLAINED, "in scenario '" + o.scenario().name()
                    + "' the scheduler rejected " + reasons.size() + " requests (first: \"" + (reasons.isEmpty() ? "" : reasons.getFirst())
                    + "\") without declaring ADMISSION_CONTROL; every request of the kit's workloads fits the engine",
                    "the scheduler's admission policy, or declare ADMISSION_CONTROL");
            for (String reason : reasons) {
                RuleViolation.require(reason != null && !reason.isBlank(), Rule.S10_REJECTIONS_EXPLAINED, "in scenario '"
                        + o.scenario().name() + "' a rejection carried no reason", "the reason passed to StepPlan.Builder.reject");
            }
        }
        return declared ? total + " rejections, each with a reason" : "no rejections";
    }

    /** Every applicable scenario that ran with valid plans and a working backend; skips the rule if there is none. */
    private List<ScenarioRuns.Outcome> judgeable(Rule rule) {
        List<ScenarioRuns.Outcome> ok = new ArrayList<>();
        String why = null;
        for (ScenarioRuns.Outcome o : runs.runAll()) {
            if (o.failure() == null && o.result().planBreaches().isEmpty() && o.result().backendErrors().isEmpty()) {
                ok.add(o);
            } else if (why == null) {
                try {
                    runs.usable(rule, o.scenario() == null ? "?" : o.scenario().name());
                } catch (RuleSkipped s) {
                    why = s.reason();
                } catch (RuntimeException e) {
                    why = o.failure();
                }
            }
        }
        if (ok.isEmpty()) {
            throw new RuleSkipped(rule, why == null ? "no scenario could run" : why);
        }
        return ok;
    }

    private static String describe(RunResult r, Leftover l) {
        for (RequestMetrics m : r.requests()) {
            if (m.engineId() == l.id()) {
                return m.spec() + ": " + l.state() + ", " + l.generated() + " of " + m.spec().maxTokens() + " tokens generated, "
                        + l.allocatedBlocks() + " blocks";
            }
        }
        return "sequence " + l.id() + ": " + l.state();
    }

    private static List<Integer> boxed(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) {
            l.add(v);
        }
        return l;
    }
}
