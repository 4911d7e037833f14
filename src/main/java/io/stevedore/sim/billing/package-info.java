/**
 * Billing rules of the simulator: EC2 per second plus the Managed Instances fee for every instance, and Fargate per
 * second with a one-minute minimum on the smallest valid task size that fits.
 */
package io.stevedore.sim.billing;
