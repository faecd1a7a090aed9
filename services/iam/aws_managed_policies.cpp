#include "services/iam/aws_managed_policies.hpp"

#include "services/common/digest.hpp"

namespace albatross::iam {
namespace {

// Documents are short statements of each policy's purpose (Action lists trimmed to the essentials).
std::string allow(std::string_view actions) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[)" + std::string(actions) +
         R"(],"Resource":"*"}]})";
}

std::vector<AwsManagedPolicy> build() {
  const std::string ecr_pull = R"("ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability",)"
                               R"("ecr:GetDownloadUrlForLayer","ecr:BatchGetImage")";
  return {
      {"AdministratorAccess", "/", allow(R"("*")"), "v1", "2015-02-06T18:39:46Z", "2015-02-06T18:39:46Z",
       "Provides full access to AWS services and resources."},
      {"ReadOnlyAccess", "/", allow(R"("ecs:Describe*","ecs:List*","ecr:Describe*","ecr:List*","elasticloadbalancing:Describe*","iam:Get*","iam:List*","logs:Describe*","logs:Get*")"),
       "v1", "2015-02-06T18:39:48Z", "2015-02-06T18:39:48Z", "Provides read-only access to AWS services and resources."},
      {"AmazonECSTaskExecutionRolePolicy", "/service-role/",
       allow(ecr_pull + R"(,"logs:CreateLogStream","logs:PutLogEvents")"), "v1", "2017-11-16T18:48:22Z",
       "2017-11-16T18:48:22Z", "Provides access to other AWS service resources that are required to run Amazon ECS tasks"},
      {"AmazonECS_FullAccess", "/", allow(R"("ecs:*","elasticloadbalancing:*","application-autoscaling:*","logs:*","iam:PassRole")"),
       "v1", "2021-06-08T19:39:43Z", "2021-06-08T19:39:43Z",
       "Provides administrative access to Amazon ECS resources and enables ECS features through access to other AWS service resources."},
      {"AmazonEC2ContainerServiceRole", "/service-role/",
       allow(R"("ec2:AuthorizeSecurityGroupIngress","ec2:Describe*","elasticloadbalancing:DeregisterInstancesFromLoadBalancer","elasticloadbalancing:DeregisterTargets","elasticloadbalancing:Describe*","elasticloadbalancing:RegisterInstancesWithLoadBalancer","elasticloadbalancing:RegisterTargets")"),
       "v1", "2015-04-09T16:14:19Z", "2015-04-09T16:14:19Z", "Default policy for Amazon ECS service role."},
      {"AmazonEC2ContainerServiceforEC2Role", "/service-role/",
       allow(R"("ecs:CreateCluster","ecs:DeregisterContainerInstance","ecs:DiscoverPollEndpoint","ecs:Poll","ecs:RegisterContainerInstance","ecs:StartTelemetrySession","ecs:Submit*",)" + ecr_pull + R"(,"logs:CreateLogStream","logs:PutLogEvents")"),
       "v1", "2015-03-19T18:45:18Z", "2015-03-19T18:45:18Z", "Default policy for the Amazon EC2 Role for Amazon EC2 Container Service."},
      {"AmazonEC2ContainerServiceAutoscaleRole", "/service-role/",
       allow(R"("ecs:DescribeServices","ecs:UpdateService","cloudwatch:DescribeAlarms","cloudwatch:PutMetricAlarm")"),
       "v1", "2016-05-12T23:25:44Z", "2016-05-12T23:25:44Z", "Policy to enable Task Autoscaling for Amazon EC2 Container Service"},
      {"AmazonEC2ContainerRegistryReadOnly", "/", allow(ecr_pull + R"(,"ecr:Describe*","ecr:List*","ecr:GetRepositoryPolicy","ecr:GetLifecyclePolicy")"),
       "v1", "2015-12-21T17:04:48Z", "2015-12-21T17:04:48Z", "Provides read-only access to Amazon EC2 Container Registry repositories."},
      {"AmazonEC2ContainerRegistryPowerUser", "/", allow(R"("ecr:*")"), "v1", "2015-12-21T17:05:33Z",
       "2015-12-21T17:05:33Z", "Provides full access to Amazon EC2 Container Registry repositories, but does not allow repository deletion or policy changes."},
      {"AmazonEC2ContainerRegistryFullAccess", "/", allow(R"("ecr:*")"), "v1", "2015-12-21T17:06:48Z",
       "2015-12-21T17:06:48Z", "Provides administrative access to Amazon ECR resources"},
      {"ElasticLoadBalancingFullAccess", "/", allow(R"("elasticloadbalancing:*","ec2:Describe*","acm:DescribeCertificate","acm:ListCertificates")"),
       "v1", "2018-09-20T20:42:07Z", "2018-09-20T20:42:07Z", "Provides full access to Amazon ElasticLoadBalancing."},
      {"ElasticLoadBalancingReadOnly", "/", allow(R"("elasticloadbalancing:Describe*","ec2:Describe*")"), "v1",
       "2018-09-20T20:17:58Z", "2018-09-20T20:17:58Z", "Provides read only access to Amazon ElasticLoadBalancing and dependent services"},
      {"CloudWatchLogsFullAccess", "/", allow(R"("logs:*")"), "v1", "2015-02-06T18:40:02Z",
       "2015-02-06T18:40:02Z", "Provides full access to CloudWatch Logs"},
      {"AWSCertificateManagerFullAccess", "/", allow(R"("acm:*")"), "v1", "2016-01-21T17:02:36Z",
       "2016-01-21T17:02:36Z", "Provides full access to AWS Certificate Manager (ACM)"},
      {"AmazonS3ReadOnlyAccess", "/", allow(R"("s3:Get*","s3:List*")"), "v1", "2015-02-06T18:40:59Z",
       "2015-02-06T18:40:59Z", "Provides read only access to all buckets via the AWS Management Console."},
      {"SecretsManagerReadWrite", "/", allow(R"("secretsmanager:*","kms:Decrypt","kms:DescribeKey")"), "v1",
       "2018-04-04T18:05:29Z", "2018-04-04T18:05:29Z", "Provides read/write access to AWS Secrets Manager via the AWS Management Console."},
      {"AmazonSSMReadOnlyAccess", "/", allow(R"("ssm:Describe*","ssm:Get*","ssm:List*")"), "v1",
       "2015-05-29T17:44:19Z", "2015-05-29T17:44:19Z", "Provides read only access to Amazon SSM."},
      {"AmazonECSServiceRolePolicy", "/aws-service-role/",
       allow(R"("ec2:AttachNetworkInterface","ec2:CreateNetworkInterface","ec2:DeleteNetworkInterface","ec2:Describe*","ec2:DetachNetworkInterface","elasticloadbalancing:DeregisterTargets","elasticloadbalancing:Describe*","elasticloadbalancing:RegisterTargets","logs:CreateLogGroup","logs:DescribeLogGroups","logs:PutRetentionPolicy")"),
       "v1", "2018-10-14T01:18:58Z", "2018-10-14T01:18:58Z", "Policy to enable Amazon ECS to manage your cluster."},
      {"AWSElasticLoadBalancingServiceRolePolicy", "/aws-service-role/",
       allow(R"("ec2:DescribeAddresses","ec2:DescribeInstances","ec2:DescribeSubnets","ec2:DescribeSecurityGroups","ec2:DescribeVpcs","ec2:CreateNetworkInterface","ec2:DeleteNetworkInterface","ec2:ModifyNetworkInterfaceAttribute","logs:CreateLogDelivery")"),
       "v1", "2017-09-19T22:19:04Z", "2017-09-19T22:19:04Z", "Service Linked Role Policy for AWS Elastic Load Balancing Control Plane"},
      {"AWSApplicationAutoscalingECSServicePolicy", "/aws-service-role/",
       allow(R"("ecs:DescribeServices","ecs:UpdateService","cloudwatch:PutMetricAlarm","cloudwatch:DescribeAlarms","cloudwatch:DeleteAlarms")"),
       "v1", "2017-10-25T23:53:08Z", "2017-10-25T23:53:08Z", "Policy granting permissions to Application Auto Scaling to access ECS and CloudWatch."},
      {"AutoScalingServiceRolePolicy", "/aws-service-role/",
       allow(R"("ec2:*","elasticloadbalancing:*","cloudwatch:*","sns:Publish")"), "v1", "2018-01-08T23:10:55Z",
       "2018-01-08T23:10:55Z", "Enables access to AWS Services and Resources used or managed by Auto Scaling"},
  };
}

}  // namespace

const std::vector<AwsManagedPolicy>& aws_managed_policies() {
  static const std::vector<AwsManagedPolicy> policies = build();
  return policies;
}

const AwsManagedPolicy* find_aws_managed_policy(std::string_view arn) {
  if (!arn.starts_with("arn:")) return nullptr;
  const auto at = arn.find(":iam::aws:policy/");
  if (at == std::string_view::npos) return nullptr;
  const std::string_view path_and_name = arn.substr(at + std::string_view(":iam::aws:policy").size());
  for (const auto& policy : aws_managed_policies())
    if (path_and_name == policy.path + policy.name) return &policy;
  return nullptr;
}

std::string aws_managed_policy_arn(const AwsManagedPolicy& policy, std::string_view partition) {
  return "arn:" + std::string(partition) + ":iam::aws:policy" + policy.path + policy.name;
}

std::string aws_managed_policy_id(const AwsManagedPolicy& policy) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const std::string hex = digest::sha256_hex("aws-managed-policy:" + policy.name);
  std::string id = "ANPA";
  for (int i = 0; i < 17; ++i) id += kAlphabet[std::stoi(hex.substr(i * 2, 2), nullptr, 16) % 32];
  return id;
}

}  // namespace albatross::iam
