/**
 * Injected time: a clock interface with a wall and a virtual implementation. Engine code never reads the
 * system clock itself.
 */
package io.stevedore.time;
