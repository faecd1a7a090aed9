#!/usr/bin/env python3
"""Import the botocore service models Albatross serves, keeping only what the protocol layer needs.

Documentation text, examples and deprecation prose are dropped; shapes, operations, metadata,
validation traits and error info are kept. EC2 is cut down to the operations we serve (and the
shapes they reach) because its full model is large.

Usage: scripts/import_models.py [BOTOCORE_DATA_DIR]   (default: the installed botocore's data dir)
"""
import gzip
import json
import os
import sys

SERVICES = {
    # our name: (botocore dir, api version)
    "elbv2": ("elbv2", "2015-12-01"),
    "ecs": ("ecs", "2014-11-13"),
    "ecr": ("ecr", "2015-09-21"),
    "acm": ("acm", "2015-12-08"),
    "logs": ("logs", "2014-03-28"),
    "application-autoscaling": ("application-autoscaling", "2016-02-06"),
    "iam": ("iam", "2010-05-08"),
    "sts": ("sts", "2011-06-15"),
    "ec2": ("ec2", "2016-11-15"),
    "autoscaling": ("autoscaling", "2011-01-01"),
    "ssm": ("ssm", "2014-11-06"),
    "secretsmanager": ("secretsmanager", "2017-10-17"),
}

# EC2 operations that deployment scripts and the seed tutorials touch.
EC2_OPERATIONS = """
DescribeAccountAttributes DescribeRegions DescribeAvailabilityZones
CreateVpc DescribeVpcs DeleteVpc ModifyVpcAttribute DescribeVpcAttribute
CreateSubnet DescribeSubnets DeleteSubnet ModifySubnetAttribute
CreateSecurityGroup DescribeSecurityGroups DeleteSecurityGroup DescribeSecurityGroupRules
AuthorizeSecurityGroupIngress RevokeSecurityGroupIngress AuthorizeSecurityGroupEgress RevokeSecurityGroupEgress
CreateInternetGateway DescribeInternetGateways DeleteInternetGateway AttachInternetGateway DetachInternetGateway
CreateNatGateway DescribeNatGateways DeleteNatGateway
CreateRouteTable DescribeRouteTables DeleteRouteTable CreateRoute DeleteRoute ReplaceRoute
AssociateRouteTable DisassociateRouteTable
AllocateAddress DescribeAddresses ReleaseAddress AssociateAddress DisassociateAddress
CreateLaunchTemplate DescribeLaunchTemplates DescribeLaunchTemplateVersions DeleteLaunchTemplate
CreateLaunchTemplateVersion ModifyLaunchTemplate
CreateTags DeleteTags DescribeTags DescribeImages DescribeInstances DescribeNetworkInterfaces
DescribeKeyPairs CreateKeyPair DeleteKeyPair DescribeInstanceTypes
""".split()

# SSM: Parameter Store only (the operations ECS secrets and deployment scripts use).
SSM_OPERATIONS = """
PutParameter GetParameter GetParameters GetParametersByPath DeleteParameter DeleteParameters DescribeParameters
GetParameterHistory AddTagsToResource RemoveTagsFromResource ListTagsForResource
""".split()

CUT_TO = {"ec2": EC2_OPERATIONS, "ssm": SSM_OPERATIONS}

DROP_KEYS = {"documentation", "documentationUrl", "examples", "deprecatedMessage", "deprecatedSince"}


def strip(node):
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in DROP_KEYS}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


def reachable_shapes(model, operations):
    shapes = model["shapes"]
    seen, todo = set(), []
    for op in operations.values():
        for key in ("input", "output"):
            if key in op:
                todo.append(op[key]["shape"])
        todo += [e["shape"] for e in op.get("errors", [])]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = shapes[name]
        for ref in shape.get("members", {}).values():
            todo.append(ref["shape"])
        for key in ("member", "key", "value"):
            if key in shape:
                todo.append(shape[key]["shape"])
    return {n: shapes[n] for n in sorted(seen)}


def main():
    import botocore
    data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(botocore.__file__), "data")
    out_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "services", "models")
    for name, (folder, version) in SERVICES.items():
        path = os.path.join(data, folder, version, "service-2.json")
        opener = open
        if not os.path.exists(path):
            path += ".gz"
            opener = gzip.open
        with opener(path, "rt", encoding="utf-8") as f:
            model = json.load(f)
        model = strip(model)
        if name in CUT_TO:
            model["operations"] = {k: v for k, v in model["operations"].items() if k in CUT_TO[name]}
            model["shapes"] = reachable_shapes(model, model["operations"])
        kept = {k: model[k] for k in ("version", "metadata", "operations", "shapes") if k in model}
        with open(os.path.join(out_dir, name + ".json"), "w", encoding="utf-8") as f:
            json.dump(kept, f, separators=(",", ":"))
            f.write("\n")
        print(f"{name}: {len(kept['operations'])} operations, {len(kept['shapes'])} shapes")


if __name__ == "__main__":
    main()
