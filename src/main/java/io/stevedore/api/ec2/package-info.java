/**
 * The EC2 Query API view of the simulated EC2 on the same endpoint: DescribeInstances, DescribeInstanceTypes,
 * DescribeVpcs, DescribeSubnets, DescribeSecurityGroups; mutating calls on managed instances are refused.
 */
package io.stevedore.api.ec2;
