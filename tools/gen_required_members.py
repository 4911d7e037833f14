#!/usr/bin/env python3
"""Writes src/main/resources/stevedore/api/ecs-required-members.json: for every structure shape of the ECS service
model that has required members, the list of their wire names. Source: the botocore service model
(botocore/data/ecs/2014-11-13/service-2.json.gz, Apache-2.0), which carries the `required` lists that the AWS SDK for
Java v2 model classes do not expose. Usage: python3 tools/gen_required_members.py"""
import gzip, json, os, sys
import botocore

src = os.path.join(os.path.dirname(botocore.__file__), "data", "ecs", "2014-11-13", "service-2.json.gz")
with gzip.open(src) as f:
    model = json.load(f)
required = {name: sorted(shape["required"]) for name, shape in sorted(model["shapes"].items())
            if shape.get("type") == "structure" and shape.get("required")}
out = {"source": "botocore " + botocore.__version__ + " data/ecs/2014-11-13/service-2.json.gz (shapes[*].required)",
       "apiVersion": model["metadata"]["apiVersion"], "required": required}
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
path = os.path.join(root, "src", "main", "resources", "stevedore", "api", "ecs-required-members.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1, sort_keys=True)
    f.write("\n")
print(f"{len(required)} shapes with required members -> {path}", file=sys.stderr)
