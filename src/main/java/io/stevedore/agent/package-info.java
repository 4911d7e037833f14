/**
 * The container agent (issue #14): runs the tasks the control plane places on a container instance as Docker
 * containers on this machine, the way the Amazon ECS container agent does, and reports their states back through
 * ECS's agent-facing operations and the documented poll channel (docs/execution.md).
 */
package io.stevedore.agent;
