/**
 * Puts tasks on existing container instances: a chain of small feasibility filters and scorers.
 * Depends on catalog.
 */
package io.stevedore.placement;
