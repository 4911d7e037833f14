/**
 * The ECS cluster query language ({@code memberOf} expressions): a parser to an immutable expression tree and
 * its evaluation against one container instance. No dependency on the rest of placement.
 */
package io.stevedore.placement.query;
