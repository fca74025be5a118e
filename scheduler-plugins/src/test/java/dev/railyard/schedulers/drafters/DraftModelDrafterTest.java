package dev.railyard.schedulers.drafters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.railyard.schedulers.testkit.FakeBackend;
import dev.railyard.schedulers.testkit.Sampling;
import dev.railyard.schedulers.testkit.TestSequence;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.scheduler.DraftProposal;
import dev.railyard.spi.scheduler.DrafterContext;
import dev.railyard.spi.scheduler.SequenceView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DraftModelDrafterTest {

    private static final int VOCAB = 101;

    private static FakeBackend backend(int blocks) {
        return new FakeBackend(4, blocks, 256, 16, VOCAB, 4096, 1f);
    }

    private static int[] tokens(int n, int seed) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(VOCAB);
        }
        return t;
    }

    private static int sliceLength(StepBatch b, long id) {
        return b.slices().stream().filter(s -> s.sequenceId() == id).mapToInt(SequenceSlice::length).sum();
    }

    @Test
    void catchesUpInOneStepThenRunsDecodeStepsForKTokens() {
        FakeBackend be = backend(64);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence s = new TestSequence(7, tokens(10, 1));
        DraftProposal p = d.propose(List.of(s), 4).getFirst();
        assertThat(p.tokens()).containsExactly(be.greedy(s.tokens(), 4));
        assertThat(p.probabilities()).isNull(); // greedy request
        // one catch-up step of the 10 tokens, then 3 decode steps of one token
        assertThat(be.steps()).hasSize(4);
        assertThat(sliceLength(be.steps().get(0), 7)).isEqualTo(10);
        assertThat(be.steps().subList(1, 4)).allMatch(b -> sliceLength(b, 7) == 1);
        assertThat(d.computedLength(7)).isEqualTo(10 + 3);
        assertThat(d.blockTable(7)).hasSize(4); // 13 positions in blocks of 4
    }

    @Test
    void rollsBackAfterPartialAcceptanceAndCatchesUpOnlyWhatIsNew() {
        FakeBackend be = backend(64);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence s = new TestSequence(1, tokens(9, 2));
        int[] first = d.propose(List.of(s), 4).getFirst().tokens();
        // the target accepts two drafts, then emits its own token instead of the third
        int correction = (first[2] + 1) % VOCAB;
        s.append(first[0], first[1], correction);
        int before = be.steps().size();
        DraftProposal p = d.propose(List.of(s), 4).getFirst();
        assertThat(p.tokens()).containsExactly(be.greedy(s.tokens(), 4));
        // the draft had computed the two accepted drafts: only the correction is fed again
        assertThat(sliceLength(be.steps().get(before), 1)).isEqualTo(1);
        assertThat(be.steps().get(before).slices().getFirst().contextLength()).isEqualTo(11);
        assertThat(d.computedLength(1)).isEqualTo(12 + 3);
    }

    @Test
    void allAcceptedPlusBonusToken() {
        FakeBackend be = backend(64);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence s = new TestSequence(1, tokens(5, 3));
        int[] first = d.propose(List.of(s), 3).getFirst().tokens();
        s.append(first).append(42); // all three accepted plus a bonus token
        int before = be.steps().size();
        DraftProposal p = d.propose(List.of(s), 3).getFirst();
        assertThat(p.tokens()).containsExactly(be.greedy(s.tokens(), 3));
        // fed: the last draft (never computed by the draft model) and the bonus token
        assertThat(sliceLength(be.steps().get(before), 1)).isEqualTo(2);
    }

    @Test
    void aPrefilledPromptLeavesOnlyTheFirstGeneratedTokenToCatchUp() {
        FakeBackend be = backend(64);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence s = new TestSequence(7, tokens(10, 1));
        d.prefill(List.of(s));
        assertThat(be.steps()).hasSize(1);
        assertThat(sliceLength(be.steps().getFirst(), 7)).isEqualTo(10);
        assertThat(be.steps().getFirst().logitIndices()).isEmpty(); // nothing is sampled from a prompt
        assertThat(d.computedLength(7)).isEqualTo(10);
        s.append(5); // the target's first token
        DraftProposal p = d.propose(List.of(s), 4).getFirst();
        assertThat(p.tokens()).containsExactly(be.greedy(s.tokens(), 4));
        assertThat(be.steps()).hasSize(1 + 4);
        assertThat(sliceLength(be.steps().get(1), 7)).isEqualTo(1);
        assertThat(be.steps().get(1).slices().getFirst().contextLength()).isEqualTo(10);
    }

    @Test
    void prefillRunsOneStepWithinTheDraftBackendsLimitsAndProposeCatchesUpTheRest() {
        FakeBackend be = new FakeBackend(4, 64, 8, 2, VOCAB, 40, 1f);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence a = new TestSequence(1, tokens(6, 1));
        TestSequence b = new TestSequence(2, tokens(5, 2));
        TestSequence c = new TestSequence(3, tokens(4, 3));
        d.prefill(List.of(a, b, c));
        assertThat(be.steps()).hasSize(1);
        assertThat(be.steps().getFirst().numTokens()).isEqualTo(8);
        assertThat(d.computedLength(1)).isEqualTo(6);
        assertThat(d.computedLength(2)).isEqualTo(2);
        assertThat(d.computedLength(3)).isEqualTo(-1); // not reached this time
        for (TestSequence s : List.of(a, b, c)) {
            s.append(9);
        }
        List<DraftProposal> ps = d.propose(List.of(a, b, c), 3);
        assertThat(ps.get(0).tokens()).containsExactly(be.greedy(a.tokens(), 3));
        assertThat(ps.get(1).tokens()).containsExactly(be.greedy(b.tokens(), 3));
        assertThat(ps.get(2).tokens()).containsExactly(be.greedy(c.tokens(), 3));
        assertThat(be.steps()).allMatch(x -> x.numTokens() <= 8 && x.slices().size() <= 2);
    }

    @Test
    void batchesSequencesAndKeepsTheirBlockTablesApart() {
        FakeBackend be = backend(256);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        Random r = new Random(5);
        List<TestSequence> seqs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            seqs.add(new TestSequence(i, tokens(3 + r.nextInt(20), 10 + i)));
        }
        for (int round = 0; round < 30; round++) {
            int before = be.steps().size();
            List<DraftProposal> ps = d.propose(List.copyOf(seqs), 4);
            assertThat(be.steps().size() - before).isEqualTo(4); // one catch-up step + 3 decode steps for all
            Set<Integer> used = new HashSet<>();
            for (int i = 0; i < seqs.size(); i++) {
                TestSequence s = seqs.get(i);
                assertThat(ps.get(i).tokens()).containsExactly(be.greedy(s.tokens(), 4));
                for (int b : d.blockTable(s.id())) {
                    assertThat(used.add(b)).as("block %d shared", b).isTrue();
                }
                // accept a random prefix, then the target's own token
                int accept = r.nextInt(5);
                for (int j = 0; j < accept && j < 4; j++) {
                    s.append(ps.get(i).tokens()[j]);
                }
                s.append(r.nextInt(VOCAB));
            }
            assertThat(used.size() + d.freeBlocks()).isEqualTo(256);
        }
    }

    @Test
    void freesBlocksWhenASequenceFinishes() {
        FakeBackend be = backend(32);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence a = new TestSequence(1, tokens(10, 1));
        TestSequence b = new TestSequence(2, tokens(10, 2));
        d.propose(List.of(a, b), 4);
        assertThat(d.freeBlocks()).isEqualTo(32 - 8);
        d.onFinished(1);
        assertThat(d.freeBlocks()).isEqualTo(32 - 4);
        assertThat(d.computedLength(1)).isEqualTo(-1);
        d.onFinished(2);
        assertThat(d.freeBlocks()).isEqualTo(32);
        d.close();
        assertThat(be.closed()).isTrue();
    }

    @Test
    void aShortPoolEvictsIdleSequencesThenShortensDrafts() {
        FakeBackend be = backend(7); // 28 positions
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence a = new TestSequence(1, tokens(10, 1));
        TestSequence b = new TestSequence(2, tokens(10, 2));
        d.propose(List.of(a), 4); // a takes 4 blocks (13 positions)
        // b needs 4 blocks, 3 are free: a is idle in this call and is evicted
        DraftProposal pb = d.propose(List.of(b), 4).getFirst();
        assertThat(pb.tokens()).containsExactly(be.greedy(b.tokens(), 4));
        assertThat(d.blockTable(1)).isEmpty();
        // both at once: b keeps its 4 blocks, a gets the 3 left: 12 positions, so 12 - 10 + 1 = 3 tokens
        List<DraftProposal> both = d.propose(List.of(b, a), 4);
        assertThat(both.get(0).tokens()).containsExactly(be.greedy(b.tokens(), 4));
        assertThat(both.get(1).tokens()).containsExactly(be.greedy(a.tokens(), 3));
        assertThat(d.freeBlocks()).isZero();
        TestSequence huge = new TestSequence(3, tokens(30, 3));
        assertThat(d.propose(List.of(huge), 4).getFirst()).isNull(); // can't fit even after evicting everyone
        assertThat(d.freeBlocks()).isEqualTo(7);
    }

    @Test
    void staysWithinTheDraftModelsContextAndStepLimits() {
        FakeBackend be = new FakeBackend(4, 64, 8, 2, VOCAB, 20, 1f);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence a = new TestSequence(1, tokens(18, 1));
        TestSequence b = new TestSequence(2, tokens(5, 2));
        TestSequence c = new TestSequence(3, tokens(6, 3));
        List<DraftProposal> ps = d.propose(List.of(a, b, c), 4);
        // a: the last fed draft sits at 18 + k - 2 <= 19, so k <= 3
        assertThat(ps.get(0).tokens()).containsExactly(be.greedy(a.tokens(), 3));
        assertThat(ps.get(1).tokens()).containsExactly(be.greedy(b.tokens(), 4));
        assertThat(ps.get(2).tokens()).containsExactly(be.greedy(c.tokens(), 4));
        assertThat(be.steps()).allMatch(x -> x.numTokens() <= 8 && x.slices().size() <= 2);
        TestSequence full = new TestSequence(4, tokens(21, 4));
        assertThat(d.propose(List.of(full), 4).getFirst()).isNull();
    }

    @Test
    void sampledProposalsAreReproducibleAndCarryTheirDistributions() {
        List<int[]> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            FakeBackend be = new FakeBackend(4, 64, 256, 16, VOCAB, 4096, 0.3f);
            DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
            TestSequence s = new TestSequence(1, tokens(12, 9), new Sampling(0.8, 0, 1, 0, 1234));
            DraftProposal p = d.propose(List.of(s), 4).getFirst();
            assertThat(p.probabilities()).hasDimensions(4, VOCAB);
            for (int i = 0; i < 4; i++) {
                float[] q = p.probabilities()[i];
                double sum = 0;
                for (float x : q) {
                    sum += x;
                }
                assertThat(sum).isCloseTo(1.0, within(1e-4));
                assertThat(q[p.tokens()[i]]).isPositive();
            }
            runs.add(p.tokens());
        }
        assertThat(runs.get(0)).containsExactly(runs.get(1));
        // another seed draws another stream (for these soft logits the drafts differ)
        FakeBackend be = new FakeBackend(4, 64, 256, 16, VOCAB, 4096, 0.3f);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        int differ = 0;
        for (long seed = 0; seed < 10; seed++) {
            TestSequence s = new TestSequence(100 + seed, tokens(12, 9), new Sampling(0.8, 0, 1, 0, seed));
            if (!java.util.Arrays.equals(d.propose(List.of(s), 4).getFirst().tokens(), runs.get(0))) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(5);
    }

    @Test
    void topKAndTopPFiltersShapeTheDistribution() {
        FakeBackend be = new FakeBackend(4, 64, 256, 16, VOCAB, 4096, 0.3f);
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        TestSequence s = new TestSequence(1, tokens(12, 9), new Sampling(1.0, 3, 1, 0, 7));
        DraftProposal p = d.propose(List.of(s), 2).getFirst();
        for (float[] q : p.probabilities()) {
            int nonZero = 0;
            for (float x : q) {
                nonZero += x > 0 ? 1 : 0;
            }
            assertThat(nonZero).isEqualTo(3);
        }
        TestSequence t = new TestSequence(2, tokens(12, 9), new Sampling(1.0, 0, 0.5, 0, 7));
        DraftProposal pt = d.propose(List.of(t), 1).getFirst();
        int nonZero = 0;
        for (float x : pt.probabilities()[0]) {
            nonZero += x > 0 ? 1 : 0;
        }
        assertThat(nonZero).isBetween(1, VOCAB / 2);
    }

    @Test
    void draftTokensStayInTheTargetsVocabulary() {
        FakeBackend be = new FakeBackend(4, 64, 256, 16, 128, 4096, 1f); // draft vocabulary padded past the target's
        DraftModelDrafter d = new DraftModelDrafter(be, VOCAB);
        Random r = new Random(3);
        for (int i = 0; i < 50; i++) {
            TestSequence s = new TestSequence(i, tokens(4, 100 + i), i % 2 == 0 ? Sampling.greedy() : new Sampling(1.0, 0, 1, 0, i));
            DraftProposal p = d.propose(List.of(s), 4).getFirst();
            for (int tok : p.tokens()) {
                assertThat(tok).isBetween(0, VOCAB - 1);
            }
            if (p.probabilities() != null) {
                assertThat(p.probabilities()[0]).hasSize(VOCAB);
            }
            r.nextInt();
        }
    }

    @Test
    void providerOpensTheModelThroughTheContext() {
        FakeBackend be = backend(16);
        List<String> opened = new ArrayList<>();
        DrafterContext ctx = new DrafterContext() {
            @Override
            public Clock clock() {
                return Clock.system();
            }

            @Override
            public Backend openModel(Path dir, int blockSize, int numBlocks) {
                opened.add(dir + " " + blockSize + " " + numBlocks);
                return be;
            }

            @Override
            public int vocabSize() {
                return VOCAB;
            }
        };
        DraftModelConfig c = new DraftModelConfig();
        c.model = "/models/draft";
        c.kvBlocks = 16;
        c.blockSize = 4;
        var drafter = new DraftModelDrafterProvider().create(c, ctx);
        assertThat(opened).containsExactly("/models/draft 4 16");
        SequenceView s = new TestSequence(1, tokens(5, 1));
        assertThat(drafter.propose(List.of(s), 2).getFirst().tokens()).containsExactly(be.greedy(((TestSequence) s).tokens(), 2));
        DraftModelConfig missing = new DraftModelConfig();
        assertThatThrownBy(missing::validate).isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("model is required");
    }

    @Test
    void stopsDraftingAfterATokenTheDraftItselfDoubts() {
        // sharpness 1: the draft gives its favourite token about 46%
        FakeBackend be = backend(64);
        TestSequence s = new TestSequence(3, tokens(10, 5));
        DraftModelDrafter doubtful = new DraftModelDrafter(be, VOCAB, 0.5);
        DraftProposal p = doubtful.propose(List.of(s), 4).getFirst();
        assertThat(p.tokens()).containsExactly(be.greedy(s.tokens(), 1)); // the doubted token is kept, no more
        assertThat(be.steps()).hasSize(1); // the catch-up step only

        FakeBackend be2 = backend(64);
        DraftModelDrafter confident = new DraftModelDrafter(be2, VOCAB, 0.4);
        assertThat(confident.propose(List.of(s), 4).getFirst().tokens()).containsExactly(be2.greedy(s.tokens(), 4));
        assertThat(be2.steps()).hasSize(4);
    }

    @Test
    void sampledDraftsStopOnTheirOwnProbabilityAndKeepTheirDistributions() {
        FakeBackend be = backend(64);
        TestSequence s = new TestSequence(4, tokens(10, 6), Sampling.sampled(1.0, 11));
        DraftProposal p = new DraftModelDrafter(be, VOCAB, 0.99).propose(List.of(s), 4).getFirst();
        assertThat(p.length()).isEqualTo(1);
        assertThat(p.probabilities()).hasNumberOfRows(1);
    }

    @Test
    void draftProbabilityIsTheSoftmaxOfTheRow() {
        float[] row = {1f, 3f, -2f, 0.5f, 2.9f, -40f};
        double sum = 0;
        for (float v : row) {
            sum += Math.exp(v);
        }
        for (int t = 0; t < row.length - 1; t++) {
            assertThat(DraftSampling.probability(row, 0, row.length, t)).isCloseTo(Math.exp(row[t]) / sum, within(1e-9));
        }
    }

    @Test
    void confidenceThresholdMustBeAProbabilityBelowOne() {
        DraftModelConfig c = new DraftModelConfig();
        c.model = "draft";
        c.confidenceThreshold = 1.0;
        assertThatThrownBy(c::validate).isInstanceOf(InvalidConfigException.class)
                .hasMessage("confidence-threshold must be in [0, 1), was 1.0");
        assertThatThrownBy(() -> new DraftModelDrafter(backend(8), VOCAB, -0.1)).isInstanceOf(IllegalArgumentException.class);
    }
}
