/**
 * The disruption side of the fleet: idle scale-in, compaction of underutilized instances, maximum-lifetime
 * replacement inside maintenance windows ({@link io.stevedore.lifecycle.EventWindow}), auto repair and Spot
 * interruptions, bounded by a {@link io.stevedore.lifecycle.DisruptionBudget}. Controllers decide, executors act:
 * {@link io.stevedore.lifecycle.LifecycleController#reconcile} turns a {@link io.stevedore.lifecycle.FleetSnapshot}
 * into {@link io.stevedore.lifecycle.Decision}s that the control plane executes. Reuses provisioning's planner; time
 * comes only from snapshots.
 */
package io.stevedore.lifecycle;
