/**
 * The service-linked roles a stack needs, by the service principal deploy.json names: IAM creates each one
 * under a fixed name, which is what preflight looks up with GetRole (a read) and what
 * `iam create-service-linked-role --aws-service-name SERVICE` makes (the deploy's only IAM write outside
 * Terraform). A new account has none of them until a service creates it on first use, and Terraform
 * cannot wait for that: ECS Express, the load balancer and autoscaling fail their first apply without them.
 */
export const SERVICE_LINKED_ROLES: Readonly<Record<string, string>> = {
  "ecs.amazonaws.com": "AWSServiceRoleForECS",
  "elasticloadbalancing.amazonaws.com": "AWSServiceRoleForElasticLoadBalancing",
  "ecs.application-autoscaling.amazonaws.com": "AWSServiceRoleForApplicationAutoScaling_ECSService",
  "apprunner.amazonaws.com": "AWSServiceRoleForAppRunner",
};

/** The role name IAM gives the service-linked role of `service`. */
export function serviceLinkedRoleName(service: string): string {
  const name = SERVICE_LINKED_ROLES[service];
  if (name === undefined) throw new Error(`no known service-linked role for ${service}`);
  return name;
}
