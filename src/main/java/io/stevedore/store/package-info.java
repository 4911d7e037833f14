/**
 * Durable state of the control plane (embedded store by default).
 */
package io.stevedore.store;
