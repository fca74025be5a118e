package dev.railyard.host.tokenizer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the ids of words already encoded. Bounded: once full it stops taking new words (the
 * frequent ones are in by then), and it never takes long words, which rarely repeat.
 */
final class WordCache {

    static final int MAX_WORD_LENGTH = 256;

    private final ConcurrentHashMap<String, int[]> ids = new ConcurrentHashMap<>();
    private final int capacity;

    WordCache(int capacity) {
        this.capacity = capacity;
    }

    /** The cached ids of {@code word}, or null. The array must not be modified. */
    int[] get(String word) {
        return word.length() > MAX_WORD_LENGTH ? null : ids.get(word);
    }

    void put(String word, int[] wordIds) {
        if (word.length() <= MAX_WORD_LENGTH && ids.size() < capacity) {
            ids.putIfAbsent(word, wordIds);
        }
    }
}
