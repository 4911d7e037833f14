/**
 * The ECS wire protocol (AWS JSON 1.1) and authentication: turns AWS's official model objects into domain
 * records and back; no placement logic here.
 */
package io.stevedore.api;
