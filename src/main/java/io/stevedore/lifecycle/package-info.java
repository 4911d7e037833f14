/**
 * The disruption side: scale-in, compaction, max-lifetime replacement, repair and Spot interruptions.
 * Reuses provisioning's simulation; never the reverse.
 */
package io.stevedore.lifecycle;
