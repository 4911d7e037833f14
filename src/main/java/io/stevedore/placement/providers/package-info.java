/**
 * Capacity provider strategies (base and weight across providers, the cluster default) and the Fargate
 * providers' task-size rules.
 */
package io.stevedore.placement.providers;
