/**
 * Execution mode (docs/execution.md): container instances whose tasks a real agent runs. {@link
 * io.stevedore.control.agents.Agents} answers the agent's poll and state changes and watches its heartbeats on the
 * plane's clock; {@link io.stevedore.control.agents.ExternalPlacement} places EXTERNAL launch-type tasks on the
 * instances agents registered without an identity document.
 */
package io.stevedore.control.agents;
