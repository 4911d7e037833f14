/**
 * The ECS operations, one class per resource family; each registers its handlers with {@link
 * io.stevedore.api.EcsApi} and validates requests as ECS does: error types from the ECS API model, messages from
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/managed-instances-errors.html where AWS lists them
 * (the others: docs/decisions.md).
 */
package io.stevedore.api.ops;
