/**
 * The cloud-provider SPI through which Stevedore launches and terminates instances ({@link
 * io.stevedore.cloud.CloudProvider}), and {@link io.stevedore.cloud.SimulatedEc2}, its first implementation.
 * Depends on store only.
 */
package io.stevedore.cloud;
