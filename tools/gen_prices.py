#!/usr/bin/env python3
"""Regenerate Stevedore's EC2 price catalog files from public, machine-readable sources.

Two sub-commands, both stdlib-only (Python 3.11):

  on-demand  Parse the pricing tables that the Karpenter AWS provider generates from the
             AWS Price List API (Go source files) and write
             src/main/resources/stevedore/catalog/prices-on-demand.json.

  spot       Turn an AWS Spot Instance Advisor snapshot (spot-advisor-data.json) into
             src/main/resources/stevedore/catalog/prices-spot.json: per-type savings,
             interruption buckets and the fallback discounts used to ESTIMATE Spot prices.

Input can be given as plain files or read straight out of a git directory at a fixed commit
(for example a bare mirror of github.com/aws/karpenter-provider-aws), so that the recorded
provenance names the exact commit. See docs/data-sources.md for the exact commands used.

Rules kept by this script:
  * numbers are copied from the source, never computed or filled in; a type missing from a
    region is simply absent ("no price"), never zero;
  * every output names its source (repository, path, commit, generation date as stated);
  * output is deterministic (sorted keys, fixed formatting).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOG_DIR = REPO_ROOT / "src" / "main" / "resources" / "stevedore" / "catalog"

KARPENTER_REPO = "github.com/aws/karpenter-provider-aws"
# Files of the Karpenter pricing package whose prices are in USD. The aws-cn table is
# deliberately not read: its prices are in CNY.
KARPENTER_USD_FILES = (
    "pkg/providers/pricing/zz_generated.pricing_aws.go",
    "pkg/providers/pricing/zz_generated.pricing_aws_us_gov.go",
)

GENERATED_RE = re.compile(r"^// generated at (\S+) for (\S+)\s*$", re.MULTILINE)
REGION_OPEN_RE = re.compile(r'^\s*"([a-z0-9-]+)":\s*\{\s*$')
PRICE_RE = re.compile(r'"([a-z0-9-]+\.[a-z0-9-]+)":\s*([0-9]+(?:\.[0-9]+)?)')
CATEGORY_RE = re.compile(r"^([a-z]+?)(?=\d)")


# --------------------------------------------------------------------------- helpers

def git_show(git_dir: str, commit: str, path: str) -> str:
    out = subprocess.run(
        ["git", "-C", git_dir, "show", f"{commit}:{path}"],
        check=True, capture_output=True, text=True,
    )
    return out.stdout


def git_resolve(git_dir: str, commit: str) -> tuple[str, str]:
    """Full commit hash and committer date (ISO) of `commit`."""
    out = subprocess.run(
        ["git", "-C", git_dir, "log", "-1", "--format=%H %cI", commit],
        check=True, capture_output=True, text=True,
    ).stdout.split()
    return out[0], out[1]


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    path.write_text(text, encoding="utf-8")


def parse_karpenter_go(text: str) -> tuple[str | None, dict[str, dict[str, float]]]:
    """Return (generation timestamp as stated in the file, {region: {type: usd}})."""
    m = GENERATED_RE.search(text)
    generated = m.group(1) if m else None
    regions: dict[str, dict[str, float]] = {}
    current: str | None = None
    for line in text.splitlines():
        opened = REGION_OPEN_RE.match(line)
        if opened:
            current = opened.group(1)
            regions.setdefault(current, {})
            continue
        if current is None:
            continue
        if line.strip() == "},":
            current = None
            continue
        for itype, price in PRICE_RE.findall(line):
            value = float(price)
            if value <= 0:
                # a zero would mean "free"; the rule is "no price" instead
                continue
            regions[current][itype] = value
    return generated, regions


# --------------------------------------------------------------------------- on-demand

def cmd_on_demand(args: argparse.Namespace) -> int:
    files: list[dict] = []
    if args.karpenter_git:
        commit, commit_date = git_resolve(args.karpenter_git, args.commit)
        for path in KARPENTER_USD_FILES:
            files.append({"path": path, "text": git_show(args.karpenter_git, commit, path)})
    else:
        if not args.go_file:
            print("give --karpenter-git DIR [--commit REV] or one or more --go-file PATH", file=sys.stderr)
            return 2
        commit, commit_date = args.source_commit or "unknown", args.source_commit_date or "unknown"
        for p in args.go_file:
            files.append({"path": args.source_path or Path(p).name, "text": Path(p).read_text(encoding="utf-8")})

    regions: dict[str, dict[str, float]] = {}
    region_source: dict[str, dict] = {}
    for f in files:
        generated, parsed = parse_karpenter_go(f["text"])
        for region, prices in parsed.items():
            if not prices:
                continue
            if region in regions:
                print(f"region {region} appears twice; keeping the first", file=sys.stderr)
                continue
            regions[region] = prices
            region_source[region] = {"path": f["path"], "generatedAt": generated}

    if args.only_regions:
        keep = set(args.only_regions.split(","))
        regions = {r: p for r, p in regions.items() if r in keep}

    out = {
        "source": {
            "repository": KARPENTER_REPO,
            "commit": commit,
            "commitDate": commit_date,
            "files": sorted({s["path"] for s in region_source.values()}),
            "regions": {r: region_source[r] for r in sorted(regions)},
            "upstream": "AWS Price List API (AmazonEC2, Linux, Shared tenancy, On-Demand), as queried by "
                        "Karpenter's hack/code/prices_gen generator; 'generatedAt' is the timestamp stated "
                        "in the generated file",
            "note": "Karpenter's generator only emits us-east-1 for the commercial partition and "
                    "us-gov-east-1/us-gov-west-1 for GovCloud; the aws-cn table is in CNY and is not used.",
        },
        "currency": "USD",
        "unit": "per instance-hour, Linux, On-Demand",
        "missingPriceRule": "A type absent from a region has NO PRICE there (treat as not offered); never zero.",
        "regions": {r: dict(sorted(p.items())) for r, p in sorted(regions.items())},
    }
    target = Path(args.output)
    write_json(target, out)
    print(f"wrote {target}")
    for r in sorted(regions):
        print(f"  {r}: {len(regions[r])} types (generated {region_source[r]['generatedAt']})")

    if args.check_against and Path(args.check_against).exists():
        ref = json.loads(Path(args.check_against).read_text(encoding="utf-8"))
        ours = regions.get(args.check_region, {})
        agree = [t for t in ref if t in ours and abs(ours[t] - ref[t]) < 1e-9]
        differ = sorted(t for t in ref if t in ours and abs(ours[t] - ref[t]) >= 1e-9)
        only_ref = sorted(t for t in ref if t not in ours)
        only_ours = sorted(t for t in ours if t not in ref)
        print(f"check vs {args.check_against} ({args.check_region}): "
              f"{len(agree)} agree, {len(differ)} disagree, "
              f"{len(only_ref)} only in reference, {len(only_ours)} only in output")
        for t in differ[: args.show]:
            print(f"    differ {t}: reference {ref[t]} vs output {ours[t]}")
        for t in only_ref[: args.show]:
            print(f"    only in reference: {t} {ref[t]}")
        for t in only_ours[: args.show]:
            print(f"    only in output: {t} {ours[t]}")
    return 0


# --------------------------------------------------------------------------- spot

def category_of(itype: str) -> str:
    family = itype.split(".", 1)[0]
    m = CATEGORY_RE.match(family)
    return m.group(1) if m else family


def cmd_spot(args: argparse.Namespace) -> int:
    if args.advisor_git:
        commit, commit_date = git_resolve(args.advisor_git, args.commit)
        text = git_show(args.advisor_git, commit, args.advisor_path)
        changed = subprocess.run(
            ["git", "-C", args.advisor_git, "log", "-1", "--format=%H %cI", commit, "--", args.advisor_path],
            check=True, capture_output=True, text=True,
        ).stdout.split()
        data_commit, data_date = (changed[0], changed[1]) if changed else (commit, commit_date)
    else:
        commit, commit_date = args.source_commit or "unknown", args.source_commit_date or "unknown"
        data_commit, data_date = commit, commit_date
        text = Path(args.advisor_file).read_text(encoding="utf-8")
    data = json.loads(text)

    per_region: dict[str, dict[str, list[int]]] = {}
    for region, by_os in sorted(data["spot_advisor"].items()):
        linux = by_os.get("Linux", {})
        per_region[region] = {t: [int(v["s"]), int(v["r"])] for t, v in sorted(linux.items())}

    basis = per_region[args.basis_region]
    savings = [s for s, _ in basis.values()]
    by_family: dict[str, list[int]] = {}
    by_category: dict[str, list[int]] = {}
    for t, (s, _) in basis.items():
        by_family.setdefault(t.split(".", 1)[0], []).append(s)
        by_category.setdefault(category_of(t), []).append(s)

    def median_fraction(values: list[int]) -> float:
        return round(statistics.median(values) / 100.0, 4)

    out = {
        "estimate": True,
        "kind": "ESTIMATE - not a price list. Spot prices change continuously; these are savings "
                "percentages published by AWS at one point in time.",
        "method": (
            "spotEstimate(region, type) = onDemand(region, type) * (1 - discount). discount = "
            "perType[region][type].savingsPercent / 100 when present; otherwise "
            "familyDiscounts[family]; otherwise categoryDiscounts[category]; otherwise defaultDiscount. "
            "If onDemand(region, type) has no price, the Spot estimate has no price either. "
            "familyDiscounts, categoryDiscounts and defaultDiscount are DERIVED here: medians of the "
            f"{args.basis_region} Linux savingsPercent values (family = part before the dot, e.g. c6i; "
            "category = leading letters, e.g. c)."
        ),
        "source": {
            "dataset": "AWS Spot Instance Advisor data feed (spot-advisor-data.json), as published by AWS "
                       "at https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json",
            "snapshot": {
                "repository": args.repo_label,
                "path": args.advisor_path,
                "commit": commit,
                "commitDate": commit_date,
                "fileLastChangedInCommit": data_commit,
                "fileLastChangedDate": data_date,
                "note": "snapshot embedded in that repository; the feed itself carries no date, so the "
                        "date of the commit that last changed the file is the best available 'as of' date",
            },
        },
        "basisRegion": args.basis_region,
        "os": "Linux",
        "defaultDiscount": median_fraction(savings),
        "familyDiscounts": {k: median_fraction(v) for k, v in sorted(by_family.items())},
        "categoryDiscounts": {k: median_fraction(v) for k, v in sorted(by_category.items())},
        "interruptionBuckets": [
            {"index": r["index"], "label": r["label"], "maxPercent": r["max"]} for r in data.get("ranges", [])
        ],
        "interruptionNote": "interruptionBucket is the AWS Spot Instance Advisor 'frequency of interruption' "
                            "range index; labels as published (e.g. '<5%'). global_rate as published: "
                            + str(data.get("global_rate")),
        "perTypeFields": ["savingsPercent", "interruptionBucket"],
        "perType": per_region,
        "karpenterFallbackNote": "For comparison: Karpenter (pkg/providers/pricing/pricing.go) uses the "
                                 "On-Demand price as a type's Spot price until live Spot price history is "
                                 "fetched, i.e. an implicit discount of 0.",
    }
    target = Path(args.output)
    write_json(target, out)
    print(f"wrote {target}")
    print(f"  defaultDiscount {out['defaultDiscount']} from {len(savings)} {args.basis_region} Linux types")
    for r in ("us-east-1", "us-west-2", "eu-west-1"):
        if r in per_region:
            print(f"  {r}: {len(per_region[r])} types")
    print(f"  {len(per_region)} regions in all")
    return 0


# --------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    od = sub.add_parser("on-demand", help="EC2 On-Demand prices from Karpenter's generated tables")
    od.add_argument("--karpenter-git", help="git dir of aws/karpenter-provider-aws (bare mirror is fine)")
    od.add_argument("--commit", default="HEAD", help="commit to read (default HEAD; recorded in output)")
    od.add_argument("--go-file", action="append", help="path of a zz_generated.pricing_*.go file (repeatable)")
    od.add_argument("--source-path", help="with --go-file: repository path to record")
    od.add_argument("--source-commit", help="with --go-file: commit to record")
    od.add_argument("--source-commit-date", help="with --go-file: commit date to record")
    od.add_argument("--only-regions", help="comma-separated list of regions to keep")
    od.add_argument("--output", default=str(CATALOG_DIR / "prices-on-demand.json"))
    od.add_argument("--check-against", default=str(REPO_ROOT.parent / "shared" / "data" / "prices-us-east-1.json"),
                    help="flat {type: price} JSON to compare with (default ../shared/data/prices-us-east-1.json)")
    od.add_argument("--check-region", default="us-east-1")
    od.add_argument("--show", type=int, default=20, help="how many differences to list")
    od.set_defaults(func=cmd_on_demand)

    sp = sub.add_parser("spot", help="Spot estimate data from an AWS Spot Instance Advisor snapshot")
    sp.add_argument("--advisor-git", help="git dir of a repository that embeds spot-advisor-data.json")
    sp.add_argument("--commit", default="HEAD")
    sp.add_argument("--advisor-path", default="internal/spot/data/spot-advisor-data.json")
    sp.add_argument("--advisor-file", help="plain spot-advisor-data.json instead of --advisor-git")
    sp.add_argument("--source-commit")
    sp.add_argument("--source-commit-date")
    sp.add_argument("--repo-label", default="github.com/alexei-led/spotinfo")
    sp.add_argument("--basis-region", default="us-east-1")
    sp.add_argument("--output", default=str(CATALOG_DIR / "prices-spot.json"))
    sp.set_defaults(func=cmd_spot)

    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
