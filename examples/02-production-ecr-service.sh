#!/usr/bin/env bash
# The production flow: build an image, push it to a private ECR repository, describe it in a task definition,
# and run two copies of it as an ECS service behind an internal Application Load Balancer.
#   docker build (FROM scratch) -> ECR repository -> docker login + push -> task definition (awsvpc, FARGATE)
#   -> internal ALB + ip target group -> ECS service of 2 -> both tasks healthy -> requests spread over both
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_emulator

NAME="${EXAMPLE_NAME:-prod-web}"
TAG="example-$$"
export DOCKER_CONFIG="$WORK_DIR/docker" # keep the registry login out of ~/.docker

step "Building the application image (FROM scratch: our static test app, nothing pulled)"
TEST_APP="${TEST_APP:-$REPO_DIR/build/tests/fixtures/test_app/test_app}"
on_exit "/usr/bin/python3 $REPO_DIR/tests/fixtures/images/build_images.py remove --tag $TAG"
LOCAL_IMAGE=$(/usr/bin/python3 "$REPO_DIR/tests/fixtures/images/build_images.py" build --tag "$TAG" \
  --test-app "$TEST_APP" | grep '^albatross-test-app:')
show "built $LOCAL_IMAGE"

step "Creating the ECR repository and pushing the image"
REPO_URI=$(awsx ecr create-repository --repository-name "$NAME" --query repository.repositoryUri --output text)
on_exit "awsx ecr delete-repository --repository-name $NAME --force"
REGISTRY=${REPO_URI%%/*}
awsx ecr get-login-password | docker login --username AWS --password-stdin "$REGISTRY" 2>&1 | grep -v -i "warning\|credential\|^$" || true
IMAGE="$REPO_URI:v1"
docker tag "$LOCAL_IMAGE" "$IMAGE"
on_exit "docker rmi $IMAGE"
docker push --quiet "$IMAGE" >/dev/null
awsx ecr describe-images --repository-name "$NAME" --output table \
  --query 'imageDetails[].{Tags:join(`,`,imageTags),Digest:imageDigest,Bytes:imageSizeInBytes}'

step "The task execution role ECS uses to pull from ECR"
ROLE_ARN=$(awsx iam create-role --role-name "$NAME-execution" --assume-role-policy-document \
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}' \
  --query Role.Arn --output text)
on_exit "awsx iam delete-role --role-name $NAME-execution"
show "$ROLE_ARN"

step "Registering a task definition that names the ECR image"
# Each task names itself after its host name so that we can see which task answered.
cat >"$WORK_DIR/taskdef.json" <<JSON
{
  "family": "$NAME",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256",
  "memory": "512",
  "executionRoleArn": "$ROLE_ARN",
  "containerDefinitions": [{
    "name": "web",
    "image": "$IMAGE",
    "essential": true,
    "entryPoint": ["/bin/sh", "-c"],
    "command": ["exec /test_app --port 8080 --name \"\$(hostname)\""],
    "portMappings": [{"containerPort": 8080, "protocol": "tcp"}]
  }]
}
JSON
TASK_DEF=$(awsx ecs register-task-definition --cli-input-json "file://$WORK_DIR/taskdef.json" \
  --query taskDefinition.taskDefinitionArn --output text)
on_exit "awsx ecs deregister-task-definition --task-definition $TASK_DEF"
show "$TASK_DEF"

step "Network: default VPC, a group for the load balancer, a group for the tasks"
VPC_ID=$(awsx ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)
read -r -a SUBNETS <<<"$(awsx ec2 describe-subnets --filters "Name=vpc-id,Values=$VPC_ID" --query 'Subnets[].SubnetId' --output text)"
LB_SG=$(awsx ec2 create-security-group --group-name "$NAME-lb" --description "Internal load balancer" \
  --vpc-id "$VPC_ID" --query GroupId --output text)
on_exit "awsx ec2 delete-security-group --group-id $LB_SG"
# An internal scheme already keeps the internet out; here the "VPC" includes this machine's loopback.
awsx ec2 authorize-security-group-ingress --group-id "$LB_SG" --protocol tcp --port 80 --cidr 0.0.0.0/0 >/dev/null
TASK_SG=$(awsx ec2 create-security-group --group-name "$NAME-tasks" --description "Tasks, reachable from the LB" \
  --vpc-id "$VPC_ID" --query GroupId --output text)
on_exit "awsx ec2 delete-security-group --group-id $TASK_SG"
awsx ec2 authorize-security-group-ingress --group-id "$TASK_SG" --protocol tcp --port 8080 --source-group "$LB_SG" >/dev/null
show "load balancer $LB_SG (tcp/80), tasks $TASK_SG (tcp/8080 from $LB_SG only)"

step "Internal load balancer, target group and listener"
TG_ARN=$(awsx elbv2 create-target-group --name "$NAME" --protocol HTTP --port 8080 --vpc-id "$VPC_ID" \
  --target-type ip --health-check-path /health --health-check-interval-seconds 10 --healthy-threshold-count 2 \
  --query 'TargetGroups[0].TargetGroupArn' --output text)
on_exit "awsx elbv2 delete-target-group --target-group-arn $TG_ARN"
LB_ARN=$(awsx elbv2 create-load-balancer --name "$NAME" --type application --scheme internal \
  --subnets "${SUBNETS[@]}" --security-groups "$LB_SG" --query 'LoadBalancers[0].LoadBalancerArn' --output text)
on_exit "awsx elbv2 delete-load-balancer --load-balancer-arn $LB_ARN"
LISTENER_ARN=$(awsx elbv2 create-listener --load-balancer-arn "$LB_ARN" --protocol HTTP --port 80 \
  --default-actions "Type=forward,TargetGroupArn=$TG_ARN" --query 'Listeners[0].ListenerArn' --output text)
show "$(awsx elbv2 describe-load-balancers --load-balancer-arns "$LB_ARN" --query 'LoadBalancers[0].[DNSName,Scheme]' --output text)"

step "Cluster and a service of 2 tasks registered with the target group"
awsx ecs create-cluster --cluster-name "$NAME" >/dev/null
on_exit "awsx ecs delete-cluster --cluster $NAME"
SUBNET_LIST=$(IFS=,; echo "${SUBNETS[*]}")
awsx ecs create-service --cluster "$NAME" --service-name web --task-definition "$TASK_DEF" --desired-count 2 \
  --launch-type FARGATE \
  --network-configuration "awsvpcConfiguration={subnets=[$SUBNET_LIST],securityGroups=[$TASK_SG],assignPublicIp=DISABLED}" \
  --load-balancers "targetGroupArn=$TG_ARN,containerName=web,containerPort=8080" >/dev/null
# Runs before the cluster is deleted: delete the service (stops its tasks) and wait until it is INACTIVE.
service_gone() {
  [ "$(awsx ecs describe-services --cluster "$NAME" --services web --query 'services[0].status' --output text)" = INACTIVE ]
}
on_exit "awsx ecs delete-service --cluster $NAME --service web --force && wait_for 120 'the service to go' service_gone"

step "Waiting for 2 running tasks and 2 healthy targets"
service_running() {
  [ "$(awsx ecs describe-services --cluster "$NAME" --services web --query 'services[0].runningCount' --output text)" = 2 ]
}
wait_for 180 "2 running tasks" service_running
wait_for 180 "2 healthy targets" targets_healthy "$TG_ARN" 2
awsx ecs describe-services --cluster "$NAME" --services web --output table \
  --query 'services[0].{Status:status,Desired:desiredCount,Running:runningCount,Pending:pendingCount}'
TASKS=$(awsx ecs list-tasks --cluster "$NAME" --service-name web --query 'taskArns[]' --output text)
# shellcheck disable=SC2086
awsx ecs describe-tasks --cluster "$NAME" --tasks $TASKS --output table \
  --query 'tasks[].{Task:taskArn,Status:lastStatus,Image:containers[0].image,IP:attachments[0].details[?name==`privateIPv4Address`].value|[0]}'
awsx elbv2 describe-target-health --target-group-arn "$TG_ARN" --output table \
  --query 'TargetHealthDescriptions[].{Target:Target.Id,Port:Target.Port,State:TargetHealth.State}'

step "Calling the service through the load balancer"
listening() { [ -n "$(listener_address "$LISTENER_ARN")" ]; }
wait_for 30 "the listener to open" listening
read -r LB_IP LB_PORT <<<"$(listener_address "$LISTENER_ARN")"
for i in 1 2 3 4 5 6; do
  NAME_SEEN=$(curl -fsS -m 10 "http://$LB_IP:$LB_PORT/hello" | jq -r .name)
  echo "request $i answered by task container $NAME_SEEN"
done

step "Done: the ECR image runs as 2 tasks behind the internal load balancer"
