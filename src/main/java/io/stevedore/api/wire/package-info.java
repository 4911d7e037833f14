/**
 * AWS JSON 1.1 encoding driven by the AWS SDK for Java v2 model metadata.
 */
package io.stevedore.api.wire;
