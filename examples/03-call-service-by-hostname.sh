#!/usr/bin/env bash
# One ECS service calling another by a private host name. Service A (2 tasks) sits behind an internal ALB whose
# HTTP listener sends everything to an empty "invalid host" target group (so a wrong name fails the same way
# every time) and has one host-header rule for service-a.in.example.com. Service B is a small caller that asks
# for service-a.in.example.com in a loop and writes what it got to CloudWatch Logs.
# On AWS a private Route 53 zone points the name at the ALB; here the caller's task definition maps the name
# to the load balancer's own loopback address with extraHosts (host network mode), which is the same thing
# from the caller's point of view: a plain DNS-style name, no ALB address in its configuration.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_emulator

NAME="${EXAMPLE_NAME:-private-api}"
HOST_A="service-a.in.example.com"
HOST_WRONG="service-z.in.example.com"
TAG="example-$$"
TEST_APP="${TEST_APP:-$REPO_DIR/build/tests/fixtures/test_app/test_app}"

step "Building the two images locally (FROM scratch: test app for A, busybox for the caller)"
on_exit "/usr/bin/python3 $REPO_DIR/tests/fixtures/images/build_images.py remove --tag $TAG"
IMAGES=$(/usr/bin/python3 "$REPO_DIR/tests/fixtures/images/build_images.py" build --tag "$TAG" --test-app "$TEST_APP")
APP_IMAGE=$(grep '^albatross-test-app:' <<<"$IMAGES")
CALLER_IMAGE=$(grep '^albatross-test-busybox:' <<<"$IMAGES")
show "$APP_IMAGE" "$CALLER_IMAGE"

step "Network: default VPC and its subnets, security groups for the ALB and for service A"
VPC_ID=$(awsx ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)
VPC_CIDR=$(awsx ec2 describe-vpcs --vpc-ids "$VPC_ID" --query 'Vpcs[0].CidrBlock' --output text)
SUBNET_LIST=$(awsx ec2 describe-subnets --filters "Name=vpc-id,Values=$VPC_ID" --query 'join(`,`, Subnets[].SubnetId)' --output text)
LB_SG=$(awsx ec2 create-security-group --group-name "$NAME-lb" --description "HTTP from inside the VPC" \
  --vpc-id "$VPC_ID" --query GroupId --output text)
on_exit "awsx ec2 delete-security-group --group-id $LB_SG"
# The VPC's range, as in the tutorial, plus loopback: this machine plays the VPC's hosts.
awsx ec2 authorize-security-group-ingress --group-id "$LB_SG" --ip-permissions \
  "IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=$VPC_CIDR},{CidrIp=127.0.0.0/8}]" >/dev/null
A_SG=$(awsx ec2 create-security-group --group-name "$NAME-a" --description "Service A tasks" \
  --vpc-id "$VPC_ID" --query GroupId --output text)
on_exit "awsx ec2 delete-security-group --group-id $A_SG"
awsx ec2 authorize-security-group-ingress --group-id "$A_SG" --protocol tcp --port 8080 --source-group "$LB_SG" >/dev/null
show "VPC $VPC_ID ($VPC_CIDR); ALB group $LB_SG; service A group $A_SG"

step "Target groups: an empty one for unknown hosts, and service A's"
INVALID_TG=$(awsx elbv2 create-target-group --name "$NAME-invalid-host" --protocol HTTP --port 80 --vpc-id "$VPC_ID" \
  --target-type ip --query 'TargetGroups[0].TargetGroupArn' --output text)
on_exit "awsx elbv2 delete-target-group --target-group-arn $INVALID_TG"
A_TG=$(awsx elbv2 create-target-group --name "$NAME-service-a" --protocol HTTP --port 8080 --vpc-id "$VPC_ID" \
  --target-type ip --health-check-path /application-status/health --healthy-threshold-count 2 \
  --unhealthy-threshold-count 10 --health-check-interval-seconds 5 --health-check-timeout-seconds 4 \
  --query 'TargetGroups[0].TargetGroupArn' --output text)
on_exit "awsx elbv2 delete-target-group --target-group-arn $A_TG"

step "Internal load balancer: default to the empty group, one rule for $HOST_A"
LB_ARN=$(awsx elbv2 create-load-balancer --name "$NAME" --scheme internal --subnets ${SUBNET_LIST//,/ } \
  --security-groups "$LB_SG" --query 'LoadBalancers[0].LoadBalancerArn' --output text)
on_exit "awsx elbv2 delete-load-balancer --load-balancer-arn $LB_ARN"
LISTENER_ARN=$(awsx elbv2 create-listener --load-balancer-arn "$LB_ARN" --protocol HTTP --port 80 \
  --default-actions "Type=forward,TargetGroupArn=$INVALID_TG" --query 'Listeners[0].ListenerArn' --output text)
awsx elbv2 create-rule --listener-arn "$LISTENER_ARN" --priority 1 --conditions "Field=host-header,Values=$HOST_A" \
  --actions "Type=forward,TargetGroupArn=$A_TG" >/dev/null
listening() { [ -n "$(listener_address "$LISTENER_ARN")" ]; }
wait_for 30 "the listener to open" listening
read -r LB_IP LB_PORT <<<"$(listener_address "$LISTENER_ARN")"
show "$(awsx elbv2 describe-load-balancers --load-balancer-arns "$LB_ARN" --query 'LoadBalancers[0].DNSName' --output text) listens on $LB_IP:$LB_PORT"

step "Service A: 2 tasks of the test app, registered with its target group"
awsx ecs create-cluster --cluster-name "$NAME" >/dev/null
on_exit "awsx ecs delete-cluster --cluster $NAME"
A_DEF=$(awsx ecs register-task-definition --family "$NAME-service-a" --network-mode awsvpc \
  --requires-compatibilities FARGATE --cpu 256 --memory 512 --container-definitions \
  "[{\"name\":\"serviceA\",\"image\":\"$APP_IMAGE\",\"essential\":true,\"entryPoint\":[\"/bin/sh\",\"-c\"],
     \"command\":[\"exec /test_app --port 8080 --name a-\$(hostname)\"],\"portMappings\":[{\"containerPort\":8080}]}]" \
  --query taskDefinition.taskDefinitionArn --output text)
on_exit "awsx ecs deregister-task-definition --task-definition $A_DEF"
awsx ecs create-service --cluster "$NAME" --service-name service-a --task-definition "$A_DEF" --desired-count 2 \
  --launch-type FARGATE --deployment-configuration minimumHealthyPercent=50,maximumPercent=200 \
  --network-configuration "awsvpcConfiguration={subnets=[$SUBNET_LIST],securityGroups=[$A_SG]}" \
  --load-balancers "targetGroupArn=$A_TG,containerName=serviceA,containerPort=8080" >/dev/null
service_gone() {
  [ "$(awsx ecs describe-services --cluster "$NAME" --services "$1" --query 'services[0].status' --output text)" = INACTIVE ]
}
on_exit "awsx ecs delete-service --cluster $NAME --service service-a --force && wait_for 120 'service A to go' service_gone service-a"
wait_for 180 "service A's 2 targets to be healthy" targets_healthy "$A_TG" 2
show "2 healthy targets behind $HOST_A"

step "Service B: a caller that only knows the names $HOST_A and $HOST_WRONG"
LOG_GROUP="/ecs/$NAME-caller"
awsx logs create-log-group --log-group-name "$LOG_GROUP"
on_exit "awsx logs delete-log-group --log-group-name $LOG_GROUP"
CALLS='for i in $(seq 1 600); do
  echo "$(wget -q -O- http://service-a.in.example.com:$PORT/orders 2>&1 | grep -o "\"name\":\"[^\"]*\"")";
  echo "service-z: $(wget -q -O /dev/null http://service-z.in.example.com:$PORT/orders 2>&1 | grep -o "HTTP/1.1 [0-9]*" || echo 200)";
  sleep 0.5; done'
jq -n --arg image "$CALLER_IMAGE" --arg calls "$CALLS" --arg port "$LB_PORT" --arg ip "$LB_IP" \
  --arg a "$HOST_A" --arg z "$HOST_WRONG" --arg group "$LOG_GROUP" --arg family "$NAME-caller" '{
  family: $family, networkMode: "host", requiresCompatibilities: ["EC2"],
  containerDefinitions: [{
    name: "caller", image: $image, essential: true, memory: 64,
    entryPoint: ["/bin/sh", "-c"], command: [$calls],
    environment: [{name: "PORT", value: $port}],
    extraHosts: [{hostname: $a, ipAddress: $ip}, {hostname: $z, ipAddress: $ip}],
    logConfiguration: {logDriver: "awslogs", options: {"awslogs-group": $group, "awslogs-region": "us-east-1",
                                                       "awslogs-stream-prefix": "caller"}}}]}' >"$WORK_DIR/caller.json"
B_DEF=$(awsx ecs register-task-definition --cli-input-json "file://$WORK_DIR/caller.json" \
  --query taskDefinition.taskDefinitionArn --output text)
on_exit "awsx ecs deregister-task-definition --task-definition $B_DEF"
awsx ecs create-service --cluster "$NAME" --service-name service-b --task-definition "$B_DEF" --desired-count 1 \
  --launch-type EC2 >/dev/null
on_exit "awsx ecs delete-service --cluster $NAME --service service-b --force && wait_for 120 'service B to go' service_gone service-b"

step "What service B's log says (CloudWatch Logs)"
caller_log() { awsx logs filter-log-events --log-group-name "$LOG_GROUP" --query 'events[].message' --output text | tr '\t' '\n'; }
saw_both_tasks() { [ "$(caller_log | grep -o '"name":"a-[^"]*"' | sort -u | wc -l)" -ge 2 ]; }
wait_for 120 "answers from both service A tasks in the caller's log" saw_both_tasks
saw_refusal() { caller_log | grep -q "service-z: HTTP/1.1 503"; }
wait_for 30 "the wrong name to be refused in the caller's log" saw_refusal
caller_log | head -8 | sed 's/^/    /'
show "distinct service A tasks that answered: $(caller_log | grep -o '"name":"a-[^"]*"' | sort -u | wc -l)"

step "Done: service B reached service A by name through the internal load balancer"
