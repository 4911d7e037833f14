/**
 * Who may call the API: AWS Signature Version 4 verification of every request against configured access keys,
 * with the AWS error for each way a request can fail it.
 */
package io.stevedore.api.auth;
