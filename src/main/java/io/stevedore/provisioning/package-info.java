/**
 * Chooses the cheapest new capacity for what placement could not fit.
 * Depends on placement and catalog.
 */
package io.stevedore.provisioning;
