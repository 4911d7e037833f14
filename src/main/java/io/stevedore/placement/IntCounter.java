package io.stevedore.placement;

import java.util.Arrays;

/** Counts per instance index without boxing: open addressing with linear probing; keys are indexes >= 0. */
final class IntCounter {
    private int[] keys;
    private int[] values;
    private int size;

    IntCounter() {
        keys = new int[16];
        values = new int[16];
        Arrays.fill(keys, -1);
    }

    IntCounter(IntCounter o) {
        keys = o.keys.clone();
        values = o.values.clone();
        size = o.size;
    }

    int get(int key) {
        int mask = keys.length - 1;
        for (int p = mix(key) & mask; ; p = (p + 1) & mask) {
            if (keys[p] == key) {
                return values[p];
            }
            if (keys[p] < 0) {
                return 0;
            }
        }
    }

    /** Sets {@code key}'s value. */
    void put(int key, int value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int p = mix(key) & mask; ; p = (p + 1) & mask) {
            if (keys[p] == key || keys[p] < 0) {
                size += keys[p] < 0 ? 1 : 0;
                keys[p] = key;
                values[p] = value;
                return;
            }
        }
    }

    void increment(int key) {
        add(key, 1);
    }

    /** Adds {@code delta} (may be negative: a count relative to a base elsewhere). */
    void add(int key, int delta) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int p = mix(key) & mask; ; p = (p + 1) & mask) {
            if (keys[p] == key) {
                values[p] += delta;
                return;
            }
            if (keys[p] < 0) {
                keys[p] = key;
                values[p] = delta;
                size++;
                return;
            }
        }
    }

    /** Calls {@code f} for every (key, count). */
    void forEach(java.util.function.IntBinaryOperator f) {
        for (int p = 0; p < keys.length; p++) {
            if (keys[p] >= 0) {
                f.applyAsInt(keys[p], values[p]);
            }
        }
    }

    private void grow() {
        int[] k = keys;
        int[] v = values;
        keys = new int[k.length * 2];
        values = new int[k.length * 2];
        Arrays.fill(keys, -1);
        size = 0;
        for (int p = 0; p < k.length; p++) {
            if (k[p] >= 0) {
                int mask = keys.length - 1;
                int q = mix(k[p]) & mask;
                while (keys[q] >= 0) {
                    q = (q + 1) & mask;
                }
                keys[q] = k[p];
                values[q] = v[p];
                size++;
            }
        }
    }

    private static int mix(int x) {
        return x * 0x9E3779B9 >>> 7 ^ x;
    }
}
