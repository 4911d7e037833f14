/**
 * Puts tasks on existing container instances: an immutable {@link io.stevedore.placement.ClusterSnapshot}, a
 * copy-on-touch {@link io.stevedore.placement.PlanState}, a chain of small feasibility filters and strategy
 * scorers wired in {@link io.stevedore.placement.PlacementEngine#standard()}, and explanations as data.
 * Depends on catalog.
 */
package io.stevedore.placement;
