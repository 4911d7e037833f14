/**
 * Simulation reports: the JSON document, a terminal summary and a self-contained HTML page with inline SVG charts.
 */
package io.stevedore.sim.report;
