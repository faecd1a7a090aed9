#!/usr/bin/env python3
"""Generates the botocore round-trip fixtures for the protocol layer's unit tests.

Needs botocore (1.43.11 was used) and the committed models in services/models/. Deterministic: running it
again with the same botocore produces the same files.

  fixtures/requests.json   requests serialized by botocore's own serializers (query, ec2, json), each with
                           the input JSON parse_form_input / parse_json_input must produce
                           (timestamps -> epoch seconds, blobs -> base64 strings).
  fixtures/responses.json  handler outputs and errors, each with the exact body our serializer produces,
                           checked here by parsing it with botocore's response parsers.

Regenerate:
  python3 tests/unit/protocol/make_fixtures.py
      writes requests.json, and responses.json with the cases (bodies kept from the previous file);
  ALBATROSS_PROTOCOL_DUMP=/tmp/bodies.json ./build/albatross_unit_tests -tc='botocore*'
      the C++ test writes what our serializer produces for every response case;
  python3 tests/unit/protocol/make_fixtures.py --bodies /tmp/bodies.json
      parses each body with botocore, fails unless botocore reads back the handler's output (or the error's
      code and message), then stores the bodies in responses.json.
"""
import argparse
import base64
import datetime
import json
import os
import sys

import botocore
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer
from botocore.utils import percent_encode_sequence

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, '..', '..', '..', 'services', 'models')
FIXTURES = os.path.join(HERE, 'fixtures')
UTC = datetime.timezone.utc


def raw_model(name, _cache={}):
    if name not in _cache:
        with open(os.path.join(MODELS, name + '.json')) as f:
            _cache[name] = json.load(f)
    return _cache[name]


def model(name, _cache={}):
    if name not in _cache:
        _cache[name] = ServiceModel(raw_model(name), service_name=name)
    return _cache[name]


def to_internal(value, ec2=False):
    """botocore parameter values -> our internal JSON conventions (EC2 does not send empty lists)."""
    if isinstance(value, datetime.datetime):
        seconds = value.timestamp()
        return int(seconds) if seconds == int(seconds) else seconds
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: to_internal(v, ec2) for k, v in value.items() if not (ec2 and v == [])}
    if isinstance(value, list):
        return [to_internal(v, ec2) for v in value]
    return value


def ts(*args):
    return datetime.datetime(*args, tzinfo=UTC)


REQUESTS = [
    ('elbv2', 'CreateListener', {
        'LoadBalancerArn': 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188',
        'Protocol': 'HTTPS', 'Port': 443, 'SslPolicy': 'ELBSecurityPolicy-2016-08',
        'Certificates': [{'CertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/abc'}],
        'DefaultActions': [
            {'Type': 'forward', 'ForwardConfig': {
                'TargetGroups': [{'TargetGroupArn': 'arn:tg/a', 'Weight': 80}, {'TargetGroupArn': 'arn:tg/b', 'Weight': 20}],
                'TargetGroupStickinessConfig': {'Enabled': True, 'DurationSeconds': 300}}}],
        'Tags': [{'Key': 'env', 'Value': 'prod test'}, {'Key': 'team'}],
    }),
    ('elbv2', 'DescribeLoadBalancers', {'Names': [], 'PageSize': 20}),
    ('elbv2', 'ModifyTargetGroupAttributes', {
        'TargetGroupArn': 'arn:tg/a',
        'Attributes': [{'Key': 'deregistration_delay.timeout_seconds', 'Value': '30'},
                       {'Key': 'stickiness.enabled', 'Value': 'false'}],
    }),
    ('elbv2', 'CreateRule', {
        'ListenerArn': 'arn:listener', 'Priority': 10,
        'Conditions': [{'Field': 'path-pattern', 'PathPatternConfig': {'Values': ['/img/*', '/static/*']}},
                       {'Field': 'http-header', 'HttpHeaderConfig': {'HttpHeaderName': 'X-Env', 'Values': ['a b', 'ü']}}],
        'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {
            'StatusCode': '503', 'ContentType': 'text/plain', 'MessageBody': 'down = "maintenance" <soon> & back'}}],
    }),
    ('elbv2', 'ModifyListener', {
        'ListenerArn': 'arn:listener',
        'DefaultActions': [{'Type': 'authenticate-oidc', 'Order': 1, 'AuthenticateOidcConfig': {
            'Issuer': 'https://issuer', 'AuthorizationEndpoint': 'https://issuer/auth',
            'TokenEndpoint': 'https://issuer/token', 'UserInfoEndpoint': 'https://issuer/user', 'ClientId': 'c',
            'AuthenticationRequestExtraParams': {'prompt': 'login', 'display': 'page'}}},
            {'Type': 'redirect', 'Order': 2, 'RedirectConfig': {'Protocol': 'HTTPS', 'Port': '443',
                                                               'StatusCode': 'HTTP_301'}}],
    }),
    ('ec2', 'DescribeSubnets', {
        'SubnetIds': ['subnet-1', 'subnet-2'], 'DryRun': False, 'MaxResults': 10,
        'Filters': [{'Name': 'vpc-id', 'Values': ['vpc-1', 'vpc-2']}, {'Name': 'tag:Name', 'Values': ['a=b']}],
    }),
    ('ec2', 'DescribeSecurityGroups', {'GroupIds': [], 'Filters': [{'Name': 'group-name', 'Values': ['web']}]}),
    ('ec2', 'AuthorizeSecurityGroupIngress', {
        'GroupId': 'sg-1',
        'IpPermissions': [{'IpProtocol': 'tcp', 'FromPort': 80, 'ToPort': 80,
                           'IpRanges': [{'CidrIp': '0.0.0.0/0', 'Description': 'http'}],
                           'UserIdGroupPairs': [{'GroupId': 'sg-2'}]}],
    }),
    ('ec2', 'CreateLaunchTemplate', {
        'LaunchTemplateName': 'web-lt',
        'LaunchTemplateData': {'ImageId': 'ami-1', 'InstanceType': 't3.micro',
                               'InstanceMarketOptions': {'MarketType': 'spot', 'SpotOptions': {
                                   'ValidUntil': ts(2030, 1, 2, 3, 4, 5, 678000)}}},
        'TagSpecifications': [{'ResourceType': 'launch-template', 'Tags': [{'Key': 'k', 'Value': 'v'}]}],
    }),
    ('sts', 'AssumeRole', {
        'RoleArn': 'arn:aws:iam::123456789012:role/demo', 'RoleSessionName': 'session1', 'DurationSeconds': 3600,
        'PolicyArns': [{'arn': 'arn:aws:iam::aws:policy/ReadOnlyAccess'}], 'Tags': [{'Key': 'a', 'Value': 'b'}],
    }),
    ('acm', 'RequestCertificate', {
        'DomainName': 'example.com', 'ValidationMethod': 'DNS',
        'SubjectAlternativeNames': ['www.example.com', '*.example.com'],
        'DomainValidationOptions': [{'DomainName': 'www.example.com', 'ValidationDomain': 'example.com'}],
        'Options': {'CertificateTransparencyLoggingPreference': 'DISABLED'},
        'IdempotencyToken': 'token1', 'Tags': [{'Key': 'env', 'Value': 'dev'}],
    }),
    ('acm', 'ImportCertificate', {
        'Certificate': b'-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
        'PrivateKey': b'-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
    }),
    ('ecs', 'RegisterTaskDefinition', {
        'family': 'web', 'networkMode': 'awsvpc', 'requiresCompatibilities': ['FARGATE'], 'cpu': '256',
        'memory': '512',
        'containerDefinitions': [{
            'name': 'app', 'image': 'nginx:latest', 'cpu': 128, 'memory': 256, 'essential': True,
            'portMappings': [{'containerPort': 80, 'protocol': 'tcp'}],
            'environment': [{'name': 'A', 'value': '1'}],
            'dockerLabels': {'team': 'x'},
            'healthCheck': {'command': ['CMD-SHELL', 'exit 0'], 'interval': 30, 'retries': 3},
            'logConfiguration': {'logDriver': 'awslogs', 'options': {'awslogs-group': 'g'}},
        }],
        'tags': [{'key': 'k', 'value': 'v'}],
    }),
    ('ecs', 'ListServiceDeployments', {
        'service': 's', 'createdAt': {'after': ts(2024, 5, 6, 7, 8, 9), 'before': ts(2024, 5, 7)},
    }),
    ('logs', 'PutLogEvents', {
        'logGroupName': 'g', 'logStreamName': 's',
        'logEvents': [{'timestamp': 1700000000000, 'message': 'hello'}, {'timestamp': 1700000000001, 'message': 'x'}],
    }),
]

# (service, operation, handler output). Timestamps are epoch seconds, as handlers produce them.
RESPONSES = [
    ('elbv2', 'DescribeLoadBalancers', {
        'LoadBalancers': [{
            'LoadBalancerArn': 'arn:lb', 'DNSName': 'web-1.us-east-1.elb.amazonaws.com',
            'CanonicalHostedZoneId': 'Z35SXDOTRQ7X7K', 'CreatedTime': 1458941172.92, 'LoadBalancerName': 'web',
            'Scheme': 'internet-facing', 'VpcId': 'vpc-1', 'State': {'Code': 'active'}, 'Type': 'application',
            'AvailabilityZones': [{'ZoneName': 'us-east-1a', 'SubnetId': 'subnet-1', 'LoadBalancerAddresses': []},
                                  {'ZoneName': 'us-east-1b', 'SubnetId': 'subnet-2'}],
            'SecurityGroups': ['sg-1'], 'IpAddressType': 'ipv4',
        }],
        'NextMarker': 'next & <more>',
    }),
    ('elbv2', 'DescribeTargetHealth', {'TargetHealthDescriptions': [
        {'Target': {'Id': '10.0.0.1', 'Port': 8080}, 'HealthCheckPort': '8080',
         'TargetHealth': {'State': 'healthy'}},
        {'Target': {'Id': 'i-2', 'Port': 80}, 'HealthCheckPort': '80',
         'TargetHealth': {'State': 'unhealthy', 'Reason': 'Target.ResponseCodeMismatch',
                          'Description': 'Health checks failed with these codes: [502]'}}]}),
    ('elbv2', 'DescribeRules', {'Rules': [
        {'RuleArn': 'arn:rule/1', 'Priority': '10', 'IsDefault': False,
         'Conditions': [{'Field': 'path-pattern', 'Values': ['/img/*'], 'PathPatternConfig': {'Values': ['/img/*']}}],
         'Actions': [{'Type': 'forward', 'TargetGroupArn': 'arn:tg/a', 'Order': 1,
                      'ForwardConfig': {'TargetGroups': [{'TargetGroupArn': 'arn:tg/a', 'Weight': 1}],
                                        'TargetGroupStickinessConfig': {'Enabled': False}}}]},
        {'RuleArn': 'arn:rule/default', 'Priority': 'default', 'IsDefault': True, 'Conditions': [],
         'Actions': [{'Type': 'fixed-response', 'FixedResponseConfig': {'StatusCode': '404', 'MessageBody': 'x'}}]}]}),
    ('elbv2', 'DeleteLoadBalancer', {}),
    ('elbv2', 'DescribeTargetGroupAttributes', {'Attributes': [
        {'Key': 'deregistration_delay.timeout_seconds', 'Value': '300'},
        {'Key': 'stickiness.enabled', 'Value': 'false'}]}),
    ('iam', 'GetAccountSummary', {'SummaryMap': {'Users': 3, 'Groups': 0, 'Roles': 12}}),
    ('sts', 'GetCallerIdentity', {'UserId': 'AIDA', 'Account': '123456789012',
                                  'Arn': 'arn:aws:iam::123456789012:user/demo'}),
    ('ec2', 'DescribeSubnets', {'Subnets': [
        {'SubnetId': 'subnet-1', 'VpcId': 'vpc-1', 'CidrBlock': '10.0.0.0/24', 'AvailableIpAddressCount': 251,
         'AvailabilityZone': 'us-east-1a', 'DefaultForAz': False, 'MapPublicIpOnLaunch': True, 'State': 'available',
         'Tags': [{'Key': 'Name', 'Value': 'public a'}]},
        {'SubnetId': 'subnet-2', 'VpcId': 'vpc-1', 'CidrBlock': '10.0.1.0/24', 'Tags': []}]}),
    ('ec2', 'CreateSecurityGroup', {'GroupId': 'sg-1', 'Tags': [{'Key': 'k', 'Value': 'v'}]}),
    ('acm', 'DescribeCertificate', {'Certificate': {
        'CertificateArn': 'arn:aws:acm:us-east-1:123456789012:certificate/1', 'DomainName': 'example.com',
        'SubjectAlternativeNames': ['example.com', 'www.example.com'],
        'DomainValidationOptions': [{'DomainName': 'example.com', 'ValidationStatus': 'SUCCESS',
                                     'ValidationMethod': 'DNS',
                                     'ResourceRecord': {'Name': '_a.example.com.', 'Type': 'CNAME',
                                                        'Value': '_b.acm-validations.aws.'}}],
        'CreatedAt': 1510811361.128, 'IssuedAt': 1510811400, 'Status': 'ISSUED', 'Type': 'AMAZON_ISSUED',
        'InUseBy': [], 'KeyAlgorithm': 'RSA_2048', 'Options': {'CertificateTransparencyLoggingPreference': 'ENABLED'}}}),
    ('ecs', 'DescribeServices', {'services': [{
        'serviceArn': 'arn:svc', 'serviceName': 'web', 'status': 'ACTIVE', 'desiredCount': 2, 'runningCount': 1,
        'createdAt': 1700000000.5,
        'deployments': [{'id': 'ecs-svc/1', 'status': 'PRIMARY', 'rolloutState': 'IN_PROGRESS',
                         'createdAt': 1700000000.5, 'updatedAt': 1700000100}],
        'events': [{'id': 'e1', 'createdAt': 1700000200.25, 'message': '(service web) has reached a steady state.'}],
    }], 'failures': [{'arn': 'arn:missing', 'reason': 'MISSING'}]}),
]

# (service, AwsError code, message, http_status)
ERRORS = [
    ('elbv2', 'LoadBalancerNotFoundException', 'One or more load balancers not found', 0),
    ('elbv2', 'PriorRequestNotCompleteException', 'Slow down', 0),
    ('elbv2', 'ValidationError', "1 validation error detected: Value 'x' at 'pageSize' failed", 0),
    ('ec2', 'InvalidSubnetID.NotFound', "The subnet ID 'subnet-9' does not exist", 0),
    ('acm', 'AccessDeniedException', 'no', 0),
    ('acm', 'ResourceNotFoundException', 'Could not find certificate arn:x.', 0),
    ('ecs', 'ClusterNotFoundException', 'Cluster not found.', 0),
    ('ecs', 'ServerException', 'Internal error', 0),
]


def serialize_request(service, operation, params):
    m = model(service)
    op = m.operation_model(operation)
    request = create_serializer(m.metadata['protocol'], include_validation=True).serialize_to_request(params, op)
    body = request['body']
    if isinstance(body, dict):
        body = percent_encode_sequence(body)
    elif isinstance(body, bytes):
        body = body.decode()
    return body


def normalize_parsed(value):
    if isinstance(value, datetime.datetime):
        return round(value.timestamp(), 3)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: normalize_parsed(v) for k, v in value.items() if k != 'ResponseMetadata'}
    if isinstance(value, list):
        return [normalize_parsed(v) for v in value]
    return value


def normalize_expected(value, shape):
    """The handler output as botocore should read it back (timestamps rounded to ms, floats for doubles)."""
    if shape is None:
        return value
    if shape.type_name == 'structure':
        return {k: normalize_expected(v, shape.members[k]) for k, v in value.items()}
    if shape.type_name == 'list':
        return [normalize_expected(v, shape.member) for v in value]
    if shape.type_name == 'map':
        return {k: normalize_expected(v, shape.value) for k, v in value.items()}
    if shape.type_name == 'timestamp':
        return round(float(value), 3)
    return value


def check_body(case, body):
    m = model(case['service'])
    protocol = m.metadata['protocol']
    headers = {'x-amzn-requestid': 'req-1'}
    parser = create_parser(protocol)
    if case['kind'] == 'output':
        op = m.operation_model(case['operation'])
        parsed = parser.parse({'body': body.encode(), 'headers': headers, 'status_code': 200}, op.output_shape)
        got = normalize_parsed(parsed)
        want = normalize_expected(case['output'], op.output_shape)
        if got != want:
            sys.exit(f"botocore read {case['service']} {case['operation']} back as\n{got}\nexpected\n{want}")
        if parsed['ResponseMetadata'].get('RequestId') != 'req-1' and protocol != 'json':
            sys.exit(f"no request id in {case['operation']}")
    else:
        parsed = parser.parse({'body': body.encode(), 'headers': headers, 'status_code': case['status']}, None)
        error = parsed['Error']
        if error['Code'] != case['wire_code'] or error['Message'] != case['message']:
            sys.exit(f"botocore read error {case['code']} as {error}")


def main():
    args = argparse.ArgumentParser()
    args.add_argument('--bodies', help='JSON dump written by the C++ test (ALBATROSS_PROTOCOL_DUMP)')
    opts = args.parse_args()

    requests = []
    for service, operation, params in REQUESTS:
        requests.append({'service': service, 'operation': operation,
                         'body': serialize_request(service, operation, params),
                         'input': to_internal(params, ec2=service == 'ec2')})

    cases = []
    for service, operation, output in RESPONSES:
        cases.append({'kind': 'output', 'service': service, 'operation': operation, 'output': output})
    for service, code, message, status in ERRORS:
        shape = next((s for s in (model(service).shape_for(n) for n in model(service).shape_names)
                      if s.metadata.get('exception') and s.name == code), None)
        wire_code = code
        want_status = status or 400
        if shape is not None:
            if model(service).metadata['protocol'] != 'json':
                wire_code = shape.metadata.get('error', {}).get('code', code)
            want_status = status or shape.metadata.get('error', {}).get('httpStatusCode') or (
                500 if raw_model(service)['shapes'][code].get('fault') else 400)
        cases.append({'kind': 'error', 'service': service, 'code': code, 'message': message,
                      'http_status': status, 'wire_code': wire_code, 'status': want_status})

    responses_path = os.path.join(FIXTURES, 'responses.json')
    old_bodies = {}
    if os.path.exists(responses_path):
        with open(responses_path) as f:
            for case in json.load(f)['cases']:
                old_bodies[json.dumps({k: v for k, v in case.items() if k != 'body'}, sort_keys=True)] = case.get('body', '')
    new_bodies = {}
    if opts.bodies:
        with open(opts.bodies) as f:
            new_bodies = {json.dumps(c['case'], sort_keys=True): c['body'] for c in json.load(f)}
    for case in cases:
        key = json.dumps(case, sort_keys=True)
        body = new_bodies.get(key, old_bodies.get(key, ''))
        if body:
            check_body(case, body)
        case['body'] = body

    os.makedirs(FIXTURES, exist_ok=True)
    note = 'Generated by tests/unit/protocol/make_fixtures.py with botocore ' + botocore.__version__ + '. Do not edit.'
    with open(os.path.join(FIXTURES, 'requests.json'), 'w') as f:
        json.dump({'note': note, 'cases': requests}, f, indent=1, ensure_ascii=False)
        f.write('\n')
    with open(responses_path, 'w') as f:
        json.dump({'note': note, 'cases': cases}, f, indent=1, ensure_ascii=False)
        f.write('\n')
    missing = sum(1 for c in cases if not c['body'])
    print(f'{len(requests)} requests, {len(cases)} responses ({missing} without a verified body)')


if __name__ == '__main__':
    main()
