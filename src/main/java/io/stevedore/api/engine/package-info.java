/**
 * The control loop ("one engine, two clocks"): a reconciler that, on each tick of an injected clock, turns
 * services into tasks, places tasks, launches and registers managed instances through the cloud SPI, and moves
 * tasks through the ECS lifecycle. The server ticks it on wall time; the simulator on virtual time.
 */
package io.stevedore.api.engine;
