#!/usr/bin/env bash
# The "add a load balancer to an existing ECS service" lab, end to end.
# Part 1 sets up what the lab assumes already exists: a cluster, a security group that lets only "your IP"
# reach the task on port 80, a task definition and a service of one task with no load balancer.
# Part 2 is the lab: target group -> ALB and its security group -> open the task group to the ALB's group ->
# listener -> attach the target group to the running service -> browse via the ALB -> scale to 3 -> auto scaling.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_emulator

CLUSTER=rent-a-room-cluster
SERVICE=rent-a-room-service
TAG="example-$$"
TEST_APP="${TEST_APP:-$REPO_DIR/build/tests/fixtures/test_app/test_app}"

step "Part 1: what the lab starts from"
on_exit "/usr/bin/python3 $REPO_DIR/tests/fixtures/images/build_images.py remove --tag $TAG"
IMAGE=$(/usr/bin/python3 "$REPO_DIR/tests/fixtures/images/build_images.py" build --tag "$TAG" --test-app "$TEST_APP" |
  grep '^albatross-test-app:')
VPC_ID=$(awsx ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)
SUBNET_LIST=$(awsx ec2 describe-subnets --filters "Name=vpc-id,Values=$VPC_ID" --query 'join(`,`, Subnets[].SubnetId)' --output text)
ECS_SG_ID=$(awsx ec2 create-security-group --group-name ecs-rent-a-room-sg --description "Rent-A-Room tasks" \
  --vpc-id "$VPC_ID" --query GroupId --output text)
on_exit "awsx ec2 delete-security-group --group-id $ECS_SG_ID"
awsx ec2 authorize-security-group-ingress --group-id "$ECS_SG_ID" --protocol tcp --port 80 --cidr 127.0.0.1/32 >/dev/null
awsx ecs create-cluster --cluster-name "$CLUSTER" >/dev/null
on_exit "awsx ecs delete-cluster --cluster $CLUSTER"
TASK_DEF=$(awsx ecs register-task-definition --family rent-a-room --network-mode awsvpc \
  --requires-compatibilities FARGATE --cpu 256 --memory 512 --container-definitions \
  "[{\"name\":\"rent-a-room\",\"image\":\"$IMAGE\",\"essential\":true,\"entryPoint\":[\"/bin/sh\",\"-c\"],
     \"command\":[\"exec /test_app --port 80 --name room-\$(hostname)\"],\"portMappings\":[{\"containerPort\":80}]}]" \
  --query taskDefinition.taskDefinitionArn --output text)
on_exit "awsx ecs deregister-task-definition --task-definition $TASK_DEF"
awsx ecs create-service --cluster "$CLUSTER" --service-name "$SERVICE" --task-definition "$TASK_DEF" \
  --desired-count 1 --launch-type FARGATE \
  --network-configuration "awsvpcConfiguration={subnets=[$SUBNET_LIST],securityGroups=[$ECS_SG_ID],assignPublicIp=ENABLED}" >/dev/null
service_gone() {
  [ "$(awsx ecs describe-services --cluster $CLUSTER --services $SERVICE --query 'services[0].status' --output text)" = INACTIVE ]
}
on_exit "awsx ecs delete-service --cluster $CLUSTER --service $SERVICE --force && wait_for 120 'the service to go' service_gone"
running() { [ "$(awsx ecs describe-services --cluster $CLUSTER --services $SERVICE --query 'services[0].runningCount' --output text)" = "$1" ]; }
wait_for 120 "the first task to run" running 1
show "service $SERVICE runs 1 task, reachable only by its IP"

step "1. Target group for the tasks (ip targets, health check on /)"
TG_ARN=$(awsx elbv2 create-target-group --name rent-a-room-tg --protocol HTTP --port 80 --vpc-id "$VPC_ID" \
  --target-type ip --health-check-path / --health-check-interval-seconds 30 --health-check-timeout-seconds 5 \
  --healthy-threshold-count 2 --unhealthy-threshold-count 2 --query 'TargetGroups[0].TargetGroupArn' --output text)
on_exit "awsx elbv2 delete-target-group --target-group-arn $TG_ARN"
show "$TG_ARN"

step "2. The load balancer and its security group; the task group now admits the ALB"
ALB_SG_ID=$(awsx ec2 create-security-group --group-name rent-a-room-alb-sg --description "Rent-A-Room ALB" \
  --vpc-id "$VPC_ID" --query GroupId --output text)
on_exit "awsx ec2 delete-security-group --group-id $ALB_SG_ID"
awsx ec2 authorize-security-group-ingress --group-id "$ALB_SG_ID" --protocol tcp --port 80 --cidr 0.0.0.0/0 >/dev/null
awsx ec2 authorize-security-group-ingress --group-id "$ECS_SG_ID" --protocol tcp --port 80 --source-group "$ALB_SG_ID" >/dev/null
# A group another group's rule points at cannot be deleted (DependencyViolation): drop the rule first on exit.
on_exit "awsx ec2 revoke-security-group-ingress --group-id $ECS_SG_ID --protocol tcp --port 80 --source-group $ALB_SG_ID"
ALB_ARN=$(awsx elbv2 create-load-balancer --name rent-a-room-alb --subnets ${SUBNET_LIST//,/ } \
  --security-groups "$ALB_SG_ID" --query 'LoadBalancers[0].LoadBalancerArn' --output text)
on_exit "awsx elbv2 delete-load-balancer --load-balancer-arn $ALB_ARN"
LISTENER_ARN=$(awsx elbv2 create-listener --load-balancer-arn "$ALB_ARN" --protocol HTTP --port 80 \
  --default-actions "Type=forward,TargetGroupArn=$TG_ARN" --query 'Listeners[0].ListenerArn' --output text)
echo "ECS security group inbound rules:"
awsx ec2 describe-security-groups --group-ids "$ECS_SG_ID" --output table \
  --query 'SecurityGroups[0].IpPermissions[].{Port:FromPort,From:join(`,`,[IpRanges[].CidrIp, UserIdGroupPairs[].GroupId][])}'

step "3. Attaching the target group to the running service (new deployment)"
awsx ecs update-service --cluster "$CLUSTER" --service "$SERVICE" \
  --load-balancers "targetGroupArn=$TG_ARN,containerName=rent-a-room,containerPort=80" --force-new-deployment \
  --query 'service.loadBalancers' --output table
wait_for 180 "a healthy target" targets_healthy "$TG_ARN" 1
show "the service's task is registered and healthy"

step "4. Browsing through the load balancer"
ALB_DNS=$(awsx elbv2 describe-load-balancers --names rent-a-room-alb --query 'LoadBalancers[0].DNSName' --output text)
listening() { [ -n "$(listener_address "$LISTENER_ARN")" ]; }
wait_for 30 "the listener to open" listening
read -r LB_IP LB_PORT <<<"$(listener_address "$LISTENER_ARN")"
echo "Your application is available at: http://$ALB_DNS (here: $LB_IP:$LB_PORT)"
echo "GET / -> $(curl -fsS -m 10 -H "Host: $ALB_DNS" "http://$LB_IP:$LB_PORT/" | jq -r .name)"

step "5. Scaling the service to 3 tasks"
awsx ecs update-service --cluster "$CLUSTER" --service "$SERVICE" --desired-count 3 --query 'service.desiredCount' --output text
wait_for 180 "3 healthy targets" targets_healthy "$TG_ARN" 3
awsx ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --output table \
  --query 'services[0].{desiredCount:desiredCount,runningCount:runningCount,pendingCount:pendingCount}'
TASK_ARNS=$(awsx ecs list-tasks --cluster "$CLUSTER" --service-name "$SERVICE" --query 'taskArns[*]' --output text)
# shellcheck disable=SC2086
awsx ecs describe-tasks --cluster "$CLUSTER" --tasks $TASK_ARNS --output table \
  --query 'tasks[*].{TaskId:taskArn,Status:lastStatus,IP:attachments[0].details[?name==`privateIPv4Address`].value|[0]}'
for i in 1 2 3 4 5 6; do
  echo "request $i -> $(curl -fsS -m 10 -H "Host: $ALB_DNS" "http://$LB_IP:$LB_PORT/" | jq -r .name)"
done

step "6. Service auto scaling: 1 to 5 tasks, tracking 70% average CPU"
if ! awsx iam get-role --role-name AWSServiceRoleForECS >/dev/null 2>&1; then
  echo "Creating the ECS service-linked role"
  awsx iam create-service-linked-role --aws-service-name ecs.amazonaws.com --query Role.Arn --output text
fi
RESOURCE="service/$CLUSTER/$SERVICE"
awsx application-autoscaling register-scalable-target --service-namespace ecs --resource-id "$RESOURCE" \
  --scalable-dimension ecs:service:DesiredCount --min-capacity 1 --max-capacity 5 >/dev/null
on_exit "awsx application-autoscaling deregister-scalable-target --service-namespace ecs --resource-id $RESOURCE --scalable-dimension ecs:service:DesiredCount"
awsx application-autoscaling put-scaling-policy --service-namespace ecs --resource-id "$RESOURCE" \
  --scalable-dimension ecs:service:DesiredCount --policy-name cpu-scaling-policy --policy-type TargetTrackingScaling \
  --target-tracking-scaling-policy-configuration \
  '{"TargetValue": 70.0, "PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}' \
  --query PolicyARN --output text
awsx application-autoscaling describe-scalable-targets --service-namespace ecs --resource-ids "$RESOURCE" --output table \
  --query 'ScalableTargets[].{Resource:ResourceId,Min:MinCapacity,Max:MaxCapacity}'
# The idle test app uses far less than 70% CPU: the scaler brings the service back down to its minimum.
scaled_in() { running 1 && [ "$(awsx ecs describe-services --cluster $CLUSTER --services $SERVICE --query 'services[0].desiredCount' --output text)" = 1 ]; }
wait_for "${SCALE_IN_DEADLINE:-300}" "auto scaling to settle the idle service at 1 task" scaled_in
awsx application-autoscaling describe-scaling-activities --service-namespace ecs --resource-id "$RESOURCE" \
  --query 'ScalingActivities[0].Description' --output text
awsx ecs describe-services --cluster "$CLUSTER" --services "$SERVICE" --output table \
  --query 'services[0].{desiredCount:desiredCount,runningCount:runningCount,pendingCount:pendingCount}'

step "Done: the service is behind rent-a-room-alb, scaled by hand to 3 and back to 1 by auto scaling"
