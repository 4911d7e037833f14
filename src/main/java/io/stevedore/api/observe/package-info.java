/**
 * How an operator watches the endpoint: Prometheus text metrics (API, fleet, tasks, scheduling), liveness and
 * readiness, and plain or JSON log lines.
 */
package io.stevedore.api.observe;
