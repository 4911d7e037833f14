/**
 * The {@code ./stevedore} command line.
 */
package io.stevedore.cli;
