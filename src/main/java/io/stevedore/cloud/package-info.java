/**
 * The cloud-provider SPI through which Stevedore launches and terminates instances ({@link
 * io.stevedore.cloud.CloudProvider}), and the simulated EC2 region in {@code cloud.simulated}, its first
 * implementation. Depends on store only.
 */
package io.stevedore.cloud;
