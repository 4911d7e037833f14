/**
 * Managed Daemons in the control loop: one daemon task on every container instance of a daemon's capacity providers,
 * started before the instance's other tasks; instances whose daemon task stopped are drained and replaced; daemon
 * deployments replace outdated instances in batches of their drain percentage.
 */
package io.stevedore.control.daemons;
