package io.stevedore.store;

/** Turns a value into its stored JSON document and back. */
public interface Codec<T> {
    String write(T value);

    T read(String json);
}
