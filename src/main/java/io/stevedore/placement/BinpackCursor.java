package io.stevedore.placement;

import java.util.BitSet;
import java.util.Iterator;

/** Merges a sorted snapshot key array (skipping touched instances) with the ascending overlay of touched ones. */
final class BinpackCursor {
    private final long[] base;
    private int pos;
    private final Iterator<Long> overlay;
    private final BitSet touched;
    private long nextOverlay = -1;

    BinpackCursor(long[] base, int start, Iterator<Long> overlay, BitSet touched) {
        this.base = base;
        this.pos = start;
        this.overlay = overlay;
        this.touched = touched;
        advanceOverlay();
    }

    /** The next key, or -1 when done. */
    long next() {
        while (pos < base.length && touched.get(Partition.index(base[pos]))) {
            pos++;
        }
        long b = pos < base.length ? base[pos] : -1;
        if (nextOverlay >= 0 && (b < 0 || nextOverlay < b)) {
            long o = nextOverlay;
            advanceOverlay();
            return o;
        }
        if (b >= 0) {
            pos++;
        }
        return b;
    }

    private void advanceOverlay() {
        nextOverlay = overlay != null && overlay.hasNext() ? overlay.next() : -1;
    }
}
