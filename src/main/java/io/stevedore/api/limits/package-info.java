/**
 * What the endpoint refuses to do too much of: per-access-key token buckets by ECS throttle category and the
 * bounds of the HTTP edge.
 */
package io.stevedore.api.limits;
