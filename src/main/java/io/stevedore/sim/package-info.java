/**
 * The simulator: the same controllers on a virtual clock, workloads and reports.
 */
package io.stevedore.sim;
