/**
 * Durable state of the control plane (embedded store by default): {@link io.stevedore.store.Database} holds the
 * rows in memory with write-through to a {@link io.stevedore.store.ResourceStore} (SQLite, PostgreSQL, or none);
 * {@link io.stevedore.store.Index} and {@link io.stevedore.store.RowObserver} let controllers keep derived views
 * current as rows change, so a pass costs what changed rather than everything stored.
 */
package io.stevedore.store;
