/**
 * The EC2 launch type on instances users launch through EC2's RunInstances (docs/decisions.md "EC2 launch type"):
 * {@link io.stevedore.control.ec2.Ec2Agents} emulates the ECS agent of each such instance (it registers the instance
 * in the cluster its user data names, and deregisters it when the instance goes), and
 * {@link io.stevedore.control.ec2.Ec2Placement} places EC2 launch-type tasks on those container instances with the
 * placement engine. The tasks then run in the simulated way, on the same controllers as Managed Instances' tasks.
 */
package io.stevedore.control.ec2;
