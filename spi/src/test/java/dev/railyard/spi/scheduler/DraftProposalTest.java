package dev.railyard.spi.scheduler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DraftProposalTest {

    @Test
    void prefixKeepsTheFirstTokensAndTheirDistributions() {
        float[][] q = {{1f, 0f}, {0f, 1f}, {0.5f, 0.5f}};
        DraftProposal two = new DraftProposal(new int[] {0, 1, 1}, q).prefix(2);
        assertArrayEquals(new int[] {0, 1}, two.tokens());
        assertEquals(2, two.probabilities().length);
        assertArrayEquals(new float[] {0f, 1f}, two.probabilities()[1]);
        DraftProposal one = DraftProposal.deterministic(4, 5, 6).prefix(1);
        assertArrayEquals(new int[] {4}, one.tokens());
        assertNull(one.probabilities());
    }

    @Test
    void prefixOfAtLeastItsLengthIsTheProposalItself() {
        DraftProposal p = DraftProposal.deterministic(7, 8);
        assertSame(p, p.prefix(2));
        assertSame(p, p.prefix(5));
    }

    @Test
    void prefixOfNoTokensIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DraftProposal.deterministic(1).prefix(0));
        assertTrue(e.getMessage().contains("at least one token"), e.getMessage());
    }
}
