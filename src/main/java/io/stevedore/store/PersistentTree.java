package io.stevedore.store;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * An immutable sorted map (an AVL tree): {@link #put} and {@link #remove} return a new tree that shares every node
 * off the changed path with the old one, so a change costs O(log n) new nodes and the old tree stays valid for
 * whoever still reads it. The {@link Snapshot} a reader holds is made of these.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class PersistentTree<K, V> {
    private record Node<K, V>(K key, V value, Node<K, V> left, Node<K, V> right, int height, int size) {
    }

    private final Comparator<? super K> order;
    private final Node<K, V> root;

    private PersistentTree(Comparator<? super K> order, Node<K, V> root) {
        this.order = order;
        this.root = root;
    }

    /** The empty tree ordered by {@code order}. */
    static <K, V> PersistentTree<K, V> empty(Comparator<? super K> order) {
        return new PersistentTree<>(order, null);
    }

    /** A tree of {@code keys} (already in {@code order}, no duplicates) to the values at the same positions. */
    static <K, V> PersistentTree<K, V> ofSorted(Comparator<? super K> order, List<K> keys, List<V> values) {
        return new PersistentTree<>(order, build(keys, values, 0, keys.size()));
    }

    private static <K, V> Node<K, V> build(List<K> keys, List<V> values, int from, int to) {
        if (from >= to) {
            return null;
        }
        int mid = (from + to) >>> 1;
        return node(keys.get(mid), values.get(mid), build(keys, values, from, mid), build(keys, values, mid + 1, to));
    }

    int size() {
        return size(root);
    }

    boolean isEmpty() {
        return root == null;
    }

    V get(K key) {
        Node<K, V> n = root;
        while (n != null) {
            int c = order.compare(key, n.key);
            if (c == 0) {
                return n.value;
            }
            n = c < 0 ? n.left : n.right;
        }
        return null;
    }

    /** This tree with {@code key} mapped to {@code value} (this same tree when it already is). */
    PersistentTree<K, V> put(K key, V value) {
        Node<K, V> r = put(root, key, value);
        return r == root ? this : new PersistentTree<>(order, r);
    }

    /** This tree without {@code key} (this same tree when it has no such key). */
    PersistentTree<K, V> remove(K key) {
        Node<K, V> r = remove(root, key);
        return r == root ? this : new PersistentTree<>(order, r);
    }

    /** The values in key order. */
    List<V> values() {
        List<V> out = new ArrayList<>(size());
        forEach((k, v) -> out.add(v));
        return out;
    }

    /** The keys in order. */
    List<K> keys() {
        List<K> out = new ArrayList<>(size());
        forEach((k, v) -> out.add(k));
        return out;
    }

    /** Visits every entry in key order. */
    void forEach(BiConsumer<? super K, ? super V> visit) {
        forEach(root, visit);
    }

    private static <K, V> void forEach(Node<K, V> n, BiConsumer<? super K, ? super V> visit) {
        while (n != null) {
            forEach(n.left, visit);
            visit.accept(n.key, n.value);
            n = n.right;
        }
    }

    private Node<K, V> put(Node<K, V> n, K key, V value) {
        if (n == null) {
            return node(key, value, null, null);
        }
        int c = order.compare(key, n.key);
        if (c == 0) {
            return n.value == value ? n : new Node<>(key, value, n.left, n.right, n.height, n.size);
        }
        if (c < 0) {
            Node<K, V> l = put(n.left, key, value);
            return l == n.left ? n : balance(n.key, n.value, l, n.right);
        }
        Node<K, V> r = put(n.right, key, value);
        return r == n.right ? n : balance(n.key, n.value, n.left, r);
    }

    private Node<K, V> remove(Node<K, V> n, K key) {
        if (n == null) {
            return null;
        }
        int c = order.compare(key, n.key);
        if (c < 0) {
            Node<K, V> l = remove(n.left, key);
            return l == n.left ? n : balance(n.key, n.value, l, n.right);
        }
        if (c > 0) {
            Node<K, V> r = remove(n.right, key);
            return r == n.right ? n : balance(n.key, n.value, n.left, r);
        }
        if (n.left == null) {
            return n.right;
        }
        if (n.right == null) {
            return n.left;
        }
        Node<K, V> first = n.right;
        while (first.left != null) {
            first = first.left;
        }
        return balance(first.key, first.value, n.left, removeFirst(n.right));
    }

    private static <K, V> Node<K, V> removeFirst(Node<K, V> n) {
        if (n.left == null) {
            return n.right;
        }
        return balance(n.key, n.value, removeFirst(n.left), n.right);
    }

    private static int height(Node<?, ?> n) {
        return n == null ? 0 : n.height;
    }

    private static int size(Node<?, ?> n) {
        return n == null ? 0 : n.size;
    }

    private static <K, V> Node<K, V> node(K key, V value, Node<K, V> left, Node<K, V> right) {
        return new Node<>(key, value, left, right, Math.max(height(left), height(right)) + 1,
                size(left) + size(right) + 1);
    }

    /** A node of these parts, rotated so that its subtrees' heights differ by at most one. */
    private static <K, V> Node<K, V> balance(K key, V value, Node<K, V> l, Node<K, V> r) {
        int hl = height(l);
        int hr = height(r);
        if (hl > hr + 1) {
            if (height(l.left) >= height(l.right)) {
                return node(l.key, l.value, l.left, node(key, value, l.right, r));
            }
            return node(l.right.key, l.right.value, node(l.key, l.value, l.left, l.right.left),
                    node(key, value, l.right.right, r));
        }
        if (hr > hl + 1) {
            if (height(r.right) >= height(r.left)) {
                return node(r.key, r.value, node(key, value, l, r.left), r.right);
            }
            return node(r.left.key, r.left.value, node(key, value, l, r.left.left),
                    node(r.key, r.value, r.left.right, r.right));
        }
        return node(key, value, l, r);
    }
}
