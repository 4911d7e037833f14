/**
 * The EC2 Query API view on the same endpoint: the managed fleet, the catalog and the simulated network.
 */
package io.stevedore.api.ec2;
