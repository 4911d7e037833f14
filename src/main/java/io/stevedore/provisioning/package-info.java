/**
 * Chooses the cheapest new capacity (EC2 + management fee per hour) for what placement could not fit:
 * {@link io.stevedore.provisioning.Provisioner} turns pending task groups and priced offerings into a
 * {@link io.stevedore.provisioning.LaunchPlan}. Depends on placement and catalog.
 */
package io.stevedore.provisioning;
