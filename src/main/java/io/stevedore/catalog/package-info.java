/**
 * EC2 instance facts, prices and attribute-based instance selection (EC2 ABIS semantics).
 * Depends on nothing else in Stevedore.
 */
package io.stevedore.catalog;
