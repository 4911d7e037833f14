/**
 * The EC2 Query API view on the same endpoint: the managed fleet (with its Spot lifecycle and root volumes), the
 * catalog, the simulated network and the instance event windows that drive the fleet's maintenance windows.
 */
package io.stevedore.api.ec2;
