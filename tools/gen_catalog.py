#!/usr/bin/env python3
"""Regenerates Stevedore's EC2 instance catalog resource.

Inputs (both public facts, see docs/data-sources.md):
  * the EC2 DescribeInstanceTypes snapshot that moto ships
    (moto/ec2/resources/instance_types.json.gz in the installed moto package);
  * the Amazon ECS Developer Guide's ENI trunking table
    (../shared/data/ecs-eni-trunking.json, transcribed with its provenance).

Output: src/main/resources/stevedore/catalog/instance-types.json, one compact object per type,
sorted by name, so a regeneration from the same inputs is byte-identical.

Usage: python3 tools/gen_catalog.py [--moto PATH] [--trunking PATH] [--out PATH]
"""
import argparse
import collections
import gzip
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MANUFACTURERS = {"Intel": "intel", "AMD": "amd", "AWS": "amazon-web-services", "Apple": "apple"}
ARCHES = {"x86_64": "x86_64", "arm64": "arm64"}  # i386 and *_mac are not ECS architectures


def moto_default_path():
    try:
        import moto  # noqa: F401
        return os.path.join(os.path.dirname(moto.__file__), "ec2", "resources", "instance_types.json.gz")
    except ImportError:
        sys.exit("moto is not installed; pass --moto PATH to instance_types.json.gz")


def moto_version():
    try:
        import moto
        return moto.__version__
    except Exception:
        return "unknown"


def accelerator_name(raw):
    """EC2 ABIS accelerator names are lower-case, dash-separated ('Radeon Pro V520' -> 'radeon-pro-v520');
    FPGA names carry the device in parentheses ('Virtex UltraScale (VU9P)' -> 'vu9p')."""
    m = re.search(r"\(([^)]+)\)", raw)
    if m:
        raw = m.group(1)
    return re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")


def accelerator_manufacturer(raw, name):
    if not raw:
        # Neuron devices (Inferentia, Trainium) are AWS's own silicon; the snapshot leaves the field empty.
        return "amazon-web-services" if name.startswith(("inferentia", "trainium")) else "unknown"
    return {"AWS": "amazon-web-services"}.get(raw, raw.lower())


def accelerators(t):
    out = []
    sources = (("GpuInfo", "Gpus", "gpu"), ("FpgaInfo", "Fpgas", "fpga"),
               ("InferenceAcceleratorInfo", "Accelerators", "inference"), ("NeuronInfo", "NeuronDevices", "inference"))
    for info_key, list_key, kind in sources:
        for a in t.get(info_key, {}).get(list_key, []) or []:
            name = accelerator_name(a["Name"])
            if any(o["type"] == kind and o["name"] == name for o in out):
                continue  # Inferentia appears both as an inference accelerator and as a Neuron device
            out.append({
                "type": kind,
                "count": a["Count"],
                "manufacturer": accelerator_manufacturer(a.get("Manufacturer"), name),
                "name": name,
                "memoryMiB": a.get("MemoryInfo", {}).get("SizeInMiB", 0) * a["Count"],
            })
    return out


def size_of(name):
    return name.split(".", 1)[1]


def trunking_rules(table, not_types, not_families):
    """Published per-type limits, plus an inference for types the 2023 table does not list (documented in
    docs/data-sources.md): a Nitro, non-burstable type of a family not named unsupported takes the limit
    published most often for its size suffix (large -> 10, xlarge -> 20, ...)."""
    by_size = collections.defaultdict(collections.Counter)
    for name, row in table.items():
        if row["with_trunking"] > 0:
            by_size[size_of(name)][row["with_trunking"]] += 1
    modal = {size: c.most_common(1)[0][0] for size, c in by_size.items()}

    def rule(t):
        name = t["InstanceType"]
        family = name.split(".")[0]
        eni_tasks = t["NetworkInfo"]["MaximumNetworkInterfaces"] - 1
        if name in table:
            row = table[name]
            named_unsupported = name in not_types or family in not_families
            if row["with_trunking"] <= 0 or named_unsupported:
                return {"supported": False, "withoutTrunking": row["without_trunking"], "source": "published"}
            return {"supported": True, "withoutTrunking": row["without_trunking"],
                    "withTrunking": row["with_trunking"], "source": "published"}
        unsupported = (t.get("BurstablePerformanceSupported") or t.get("Hypervisor") != "nitro"
                       or name in not_types or family in not_families or size_of(name) not in modal)
        if unsupported:
            return {"supported": False, "withoutTrunking": eni_tasks, "source": "inferred"}
        return {"supported": True, "withoutTrunking": eni_tasks, "withTrunking": modal[size_of(name)],
                "source": "inferred"}
    return rule


def reduce(t, trunk):
    net = t["NetworkInfo"]
    card0 = net["NetworkCards"][0]
    ebs = t.get("EbsInfo", {}).get("EbsOptimizedInfo", {})
    storage = t.get("InstanceStorageInfo")
    disk_types = sorted({d["Type"] for d in storage["Disks"]}) if storage else []
    out = {
        "name": t["InstanceType"],
        "vcpus": t["VCpuInfo"]["DefaultVCpus"],
        "memoryMiB": t["MemoryInfo"]["SizeInMiB"],
        "architectures": sorted(ARCHES[a] for a in t["ProcessorInfo"]["SupportedArchitectures"] if a in ARCHES),
        "cpuManufacturer": MANUFACTURERS.get(t["ProcessorInfo"].get("Manufacturer"), "unknown"),
        "currentGeneration": t["CurrentGeneration"],
        "burstable": t["BurstablePerformanceSupported"],
        "bareMetal": t["BareMetal"],
        "hypervisor": t.get("Hypervisor", "none"),
        "maxNetworkInterfaces": net["MaximumNetworkInterfaces"],
        "ipv4PerInterface": net["Ipv4AddressesPerInterface"],
        "networkCards": net.get("MaximumNetworkCards", 1),
        "baselineNetworkGbps": sum(c.get("BaselineBandwidthInGbps", 0) for c in net["NetworkCards"]),
        "peakNetworkGbps": sum(c.get("PeakBandwidthInGbps", 0) for c in net["NetworkCards"]),
        "networkPerformance": card0.get("NetworkPerformance", net.get("NetworkPerformance", "")),
        "baselineEbsMbps": ebs.get("BaselineBandwidthInMbps", 0),
        "localStorageGB": storage["TotalSizeInGB"] if storage else 0,
        "localStorageTypes": disk_types,
        "accelerators": accelerators(t),
        "hibernation": t["HibernationSupported"],
        "usageClasses": sorted(t["SupportedUsageClasses"]),
        "trunking": trunk(t),
    }
    out["baselineNetworkGbps"] = round(out["baselineNetworkGbps"], 3)
    out["peakNetworkGbps"] = round(out["peakNetworkGbps"], 3)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moto", default=None)
    ap.add_argument("--trunking", default=os.path.join(ROOT, "..", "shared", "data", "ecs-eni-trunking.json"))
    ap.add_argument("--out", default=os.path.join(ROOT, "src", "main", "resources", "stevedore", "catalog",
                                                   "instance-types.json"))
    args = ap.parse_args()
    moto_path = args.moto or moto_default_path()
    with gzip.open(moto_path) as f:
        types = json.load(f)
    with open(args.trunking) as f:
        trunk_doc = json.load(f)
    rule = trunking_rules(trunk_doc["types"], set(trunk_doc["not_supported_types"]),
                          set(trunk_doc["not_supported_families"]))
    rows = [reduce(types[name], rule) for name in sorted(types)]
    doc = {
        "source": {
            "instanceTypes": "EC2 DescribeInstanceTypes snapshot shipped by moto %s (moto/ec2/resources/instance_types.json.gz)"
                             % moto_version(),
            "eniTrunking": trunk_doc["source"],
            "generator": "tools/gen_catalog.py",
        },
        "count": len(rows),
        "types": rows,
    }
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("{\n")
        f.write('"source": %s,\n' % json.dumps(doc["source"], sort_keys=True))
        f.write('"count": %d,\n' % doc["count"])
        f.write('"types": [\n')
        f.write(",\n".join(json.dumps(r, separators=(",", ":")) for r in rows))
        f.write("\n]}\n")
    published = sum(1 for r in rows if r["trunking"]["source"] == "published")
    supported = sum(1 for r in rows if r["trunking"]["supported"])
    print("wrote %d types to %s (trunking: %d published rows, %d types with trunking)"
          % (len(rows), os.path.relpath(args.out), published, supported))


if __name__ == "__main__":
    main()
