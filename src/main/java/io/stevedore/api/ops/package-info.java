/**
 * The ECS operations, one class per resource family; each registers its handlers with {@link
 * io.stevedore.api.EcsApi} and validates requests as ECS does (types and messages from the fact sheet).
 */
package io.stevedore.api.ops;
