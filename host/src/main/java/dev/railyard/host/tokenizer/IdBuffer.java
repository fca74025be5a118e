package dev.railyard.host.tokenizer;

import java.util.Arrays;

/** A growable list of token ids without boxing. */
final class IdBuffer {

    private int[] ids;
    private int size;

    IdBuffer(int capacity) {
        ids = new int[Math.max(4, capacity)];
    }

    void add(int id) {
        if (size == ids.length) {
            ids = Arrays.copyOf(ids, ids.length * 2);
        }
        ids[size++] = id;
    }

    void addAll(int[] more) {
        addAll(more, more.length);
    }

    void addAll(int[] more, int count) {
        if (size + count > ids.length) {
            ids = Arrays.copyOf(ids, Math.max(ids.length * 2, size + count));
        }
        System.arraycopy(more, 0, ids, size, count);
        size += count;
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(ids, size);
    }
}
