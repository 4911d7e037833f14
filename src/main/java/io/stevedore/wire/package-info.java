/**
 * AWS JSON 1.1 encoding driven by the AWS SDK for Java v2 model metadata, the AWS error type, and the
 * name=value pairs of query strings and form bodies.
 */
package io.stevedore.wire;
