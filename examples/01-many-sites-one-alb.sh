#!/usr/bin/env bash
# Two web sites behind one HTTPS Application Load Balancer. Requests for a name we do not host get a plain
# 503 instead of landing on some random site; plain HTTP is bounced to HTTPS.
#   certificate (ACM) -> ALB -> one target group per site -> HTTPS listener (default: fixed 503)
#   -> HTTP listener redirecting to HTTPS -> one host-header rule per site
# The "sites" are two copies of the static test app running on this machine.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
require_emulator

SITE_A="${SITE_A:-shop.example.com}"
SITE_B="${SITE_B:-blog.example.org}"
NAME="${EXAMPLE_NAME:-many-sites}"

step "Starting the two site backends"
start_backend site-a; PORT_A=$BACKEND_PORT
start_backend site-b; PORT_B=$BACKEND_PORT
show "site-a on 127.0.0.1:$PORT_A, site-b on 127.0.0.1:$PORT_B"

step "Requesting one certificate for both domains (and their subdomains)"
CERT_ARN=$(awsx acm request-certificate --domain-name "$SITE_A" \
  --subject-alternative-names "*.$SITE_A" "$SITE_B" "*.$SITE_B" --validation-method DNS \
  --query CertificateArn --output text)
on_exit "awsx acm delete-certificate --certificate-arn $CERT_ARN"
cert_issued() { [ "$(awsx acm describe-certificate --certificate-arn "$CERT_ARN" --query Certificate.Status --output text)" = ISSUED ]; }
wait_for 60 "the certificate to be issued" cert_issued
show "$CERT_ARN is ISSUED"

step "Finding the default VPC and its subnets"
VPC_ID=$(awsx ec2 describe-vpcs --filters Name=isDefault,Values=true --query 'Vpcs[0].VpcId' --output text)
read -r -a SUBNETS <<<"$(awsx ec2 describe-subnets --filters "Name=vpc-id,Values=$VPC_ID" --query 'Subnets[].SubnetId' --output text)"
show "VPC $VPC_ID, subnets ${SUBNETS[*]}"

step "A security group letting the world reach ports 80 and 443"
SG_ID=$(awsx ec2 create-security-group --group-name "$NAME-alb" --description "Public HTTP and HTTPS" \
  --vpc-id "$VPC_ID" --query GroupId --output text)
on_exit "awsx ec2 delete-security-group --group-id $SG_ID"
awsx ec2 authorize-security-group-ingress --group-id "$SG_ID" --ip-permissions \
  'IpProtocol=tcp,FromPort=80,ToPort=80,IpRanges=[{CidrIp=0.0.0.0/0}]' \
  'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]' >/dev/null
show "$SG_ID allows tcp/80 and tcp/443 from 0.0.0.0/0"

step "One target group per site, each holding its backend"
make_group() { # name port -> arn
  awsx elbv2 create-target-group --name "$1" --protocol HTTP --port "$2" --vpc-id "$VPC_ID" --target-type ip \
    --health-check-path /health --query 'TargetGroups[0].TargetGroupArn' --output text
}
TG_A=$(make_group "$NAME-a" "$PORT_A")
on_exit "awsx elbv2 delete-target-group --target-group-arn $TG_A"
TG_B=$(make_group "$NAME-b" "$PORT_B")
on_exit "awsx elbv2 delete-target-group --target-group-arn $TG_B"
awsx elbv2 register-targets --target-group-arn "$TG_A" --targets "Id=127.0.0.1,Port=$PORT_A"
awsx elbv2 register-targets --target-group-arn "$TG_B" --targets "Id=127.0.0.1,Port=$PORT_B"
show "$NAME-a -> 127.0.0.1:$PORT_A" "$NAME-b -> 127.0.0.1:$PORT_B"

step "Creating the load balancer"
LB_ARN=$(awsx elbv2 create-load-balancer --name "$NAME" --type application --scheme internet-facing \
  --subnets "${SUBNETS[@]}" --security-groups "$SG_ID" --query 'LoadBalancers[0].LoadBalancerArn' --output text)
on_exit "awsx elbv2 delete-load-balancer --load-balancer-arn $LB_ARN"
lb_active() { [ "$(awsx elbv2 describe-load-balancers --load-balancer-arns "$LB_ARN" --query 'LoadBalancers[0].State.Code' --output text)" = active ]; }
wait_for 60 "the load balancer to become active" lb_active
LB_DNS=$(awsx elbv2 describe-load-balancers --load-balancer-arns "$LB_ARN" --query 'LoadBalancers[0].DNSName' --output text)
show "$LB_DNS is active"

step "HTTPS listener on 443 with the certificate; unknown hosts get a fixed 503"
# The console makes you pick a target group first; we do the same, then swap the default for a fixed reply.
HTTPS_ARN=$(awsx elbv2 create-listener --load-balancer-arn "$LB_ARN" --protocol HTTPS --port 443 \
  --certificates "CertificateArn=$CERT_ARN" --default-actions "Type=forward,TargetGroupArn=$TG_A" \
  --query 'Listeners[0].ListenerArn' --output text)
awsx elbv2 modify-listener --listener-arn "$HTTPS_ARN" --default-actions \
  'Type=fixed-response,FixedResponseConfig={StatusCode=503,ContentType=text/plain,MessageBody=No such site}' >/dev/null
show "default action: $(awsx elbv2 describe-listeners --listener-arns "$HTTPS_ARN" \
  --query 'Listeners[0].DefaultActions[0].[Type,FixedResponseConfig.StatusCode]' --output text | tr '\t' ' ')"

step "HTTP listener on 80 that redirects everything to HTTPS"
HTTP_ARN=$(awsx elbv2 create-listener --load-balancer-arn "$LB_ARN" --protocol HTTP --port 80 --default-actions \
  'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}' \
  --query 'Listeners[0].ListenerArn' --output text)

step "One host-header rule per site"
awsx elbv2 create-rule --listener-arn "$HTTPS_ARN" --priority 10 --conditions "Field=host-header,Values=$SITE_A" \
  --actions "Type=forward,TargetGroupArn=$TG_A" >/dev/null
awsx elbv2 create-rule --listener-arn "$HTTPS_ARN" --priority 20 --conditions "Field=host-header,Values=$SITE_B" \
  --actions "Type=forward,TargetGroupArn=$TG_B" >/dev/null
awsx elbv2 describe-rules --listener-arn "$HTTPS_ARN" --output table \
  --query 'Rules[].{Priority:Priority,Host:Conditions[0].Values[0],Action:Actions[0].Type}'

step "Waiting for both sites to pass their health checks"
wait_for 60 "site-a healthy" targets_healthy "$TG_A" 1
wait_for 60 "site-b healthy" targets_healthy "$TG_B" 1
show "both targets healthy"

step "Trying it with curl (trusting the emulator's local CA)"
curl -fsS "$ENDPOINT/_albatross/ca.pem" -o "$WORK_DIR/ca.pem"
listening() { [ -n "$(listener_address "$1")" ]; }
wait_for 30 "the listeners to open" listening "$HTTPS_ARN"
wait_for 30 "the listeners to open" listening "$HTTP_ARN"
read -r HTTPS_IP HTTPS_PORT <<<"$(listener_address "$HTTPS_ARN")"
read -r HTTP_IP HTTP_PORT <<<"$(listener_address "$HTTP_ARN")"
show "HTTPS listens on $HTTPS_IP:$HTTPS_PORT, HTTP on $HTTP_IP:$HTTP_PORT"

visit() { # scheme host port ip -> prints "status body"
  rm -f "$WORK_DIR/body"
  curl -sS -m 10 --cacert "$WORK_DIR/ca.pem" --resolve "$2:$3:$4" -o "$WORK_DIR/body" -w '%{http_code}' \
    "$1://$2:$3/hello" >"$WORK_DIR/code"
  printf '%s %s\n' "$(cat "$WORK_DIR/code")" "$(tr -d '\n' <"$WORK_DIR/body" | cut -c1-120)"
}
# www.$SITE_B is covered by the certificate's wildcard but has no rule: it gets the default 503.
for host in "$SITE_A" "$SITE_B" "www.$SITE_B"; do
  echo "https://$host/hello -> $(visit https "$host" "$HTTPS_PORT" "$HTTPS_IP")"
done
LOCATION=$(curl -sS -m 10 --resolve "$SITE_A:$HTTP_PORT:$HTTP_IP" -o /dev/null -w '%{http_code} %{redirect_url}' \
  "http://$SITE_A:$HTTP_PORT/hello?x=1")
echo "http://$SITE_A/hello?x=1 -> $LOCATION"

step "Done: $SITE_A and $SITE_B are served over HTTPS, anything else gets 503"
