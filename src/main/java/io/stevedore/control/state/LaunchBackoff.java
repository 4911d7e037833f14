package io.stevedore.control.state;

/**
 * Launch failures of one capacity provider (table {@code lifecycle.launch-backoff}): consecutive failures and the
 * earliest next attempt (exponential backoff, never a tight retry loop).
 */
public record LaunchBackoff(String provider, int failures, long nextAttemptMillis, String lastError) {
}
