/**
 * CloudWatch Logs on the ECS endpoint (JSON 1.1, signed for {@code logs}): log groups, streams and events, read with
 * GetLogEvents and FilterLogEvents; the rows are in {@link io.stevedore.store.LogStore}.
 */
package io.stevedore.api.logs;
