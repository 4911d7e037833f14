#!/usr/bin/env python3
"""Regenerate Stevedore's EC2 price catalog files from public, machine-readable sources.

Three sub-commands, all stdlib-only (Python 3.11):

  on-demand  Parse the pricing tables that the Karpenter AWS provider generates from the
             AWS Price List API (Go source files) and write
             src/main/resources/stevedore/catalog/prices-on-demand.json. With
             --pricing-page-git/--pricing-page-dir it also merges the regions Karpenter lacks
             (see pricing-page).

  pricing-page
             Merge more regions into an existing prices-on-demand.json from snapshots of the
             data files behind the AWS EC2 On-Demand pricing page (the "meteredUnitMaps"
             JSON, one file per region, as committed by github.com/yeo/ec2.shop under
             data/ec2/). Regions that came from Karpenter (us-east-1, GovCloud) are never
             touched; every region records its own provenance in source.regionSources.

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

# Snapshots of the AWS EC2 On-Demand pricing page data (one JSON per region and kind), as
# committed by ec2.shop's refresh job (data/download.rb) from
# https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ec2/USD/current/<kind>/<Location>/Linux/index.json
PRICING_PAGE_REPO = "github.com/yeo/ec2.shop"
PRICING_PAGE_DIR = "data/ec2"
# file suffix -> AWS page data set ("source" in the file's manifest)
PRICING_PAGE_KINDS = (
    ("ondemand", "ec2-ondemand-without-sec-sel"),
    ("previousgen-ondemand", "previousgen-ondemand"),
)
# a parent region (us-west-2, eu-west-1, ...); Local Zones (us-west-2-lax-1) and Wavelength
# Zones (us-west-2-wl1-sea1) are left out
PARENT_REGION_RE = re.compile(r"^[a-z]{2}(?:-gov)?-[a-z]+-[0-9]+$")

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


def parse_pricing_page(text: str) -> tuple[dict, dict[str, float], dict[str, int]]:
    """Return (manifest, {type: usd}, counters) from one meteredUnitMaps EC2 file.

    Rows are kept only when they are Linux with no pre-installed software and no licence
    (the file is already the Linux / shared-tenancy / On-Demand slice; this is a guard).
    """
    data = json.loads(text)
    manifest = data.get("manifest", {})
    if manifest.get("currencyCode", "USD") != "USD":
        raise ValueError(f"currency {manifest.get('currencyCode')} is not USD")
    prices: dict[str, float] = {}
    stats = {"rows": 0, "kept": 0, "notPlainLinux": 0, "nonPositive": 0, "conflicting": 0}
    for location_rows in data.get("regions", {}).values():
        for row in location_rows.values():
            stats["rows"] += 1
            if (row.get("Operating System", "Linux") != "Linux"
                    or row.get("Pre Installed S/W", "NA") != "NA"
                    or row.get("License Model", "No License required") != "No License required"):
                stats["notPlainLinux"] += 1
                continue
            itype = row["Instance Type"]
            value = float(row["price"])
            if value <= 0:
                stats["nonPositive"] += 1
                continue
            if itype in prices and prices[itype] != value:
                stats["conflicting"] += 1
                continue
            prices[itype] = value
    stats["kept"] = len(prices)
    return manifest, prices, stats


def compare(ref: dict[str, float], other: dict[str, float]) -> dict:
    agree = sorted(t for t in ref if t in other and abs(other[t] - ref[t]) < 1e-9)
    differ = sorted(t for t in ref if t in other and abs(other[t] - ref[t]) >= 1e-9)
    return {
        "agree": agree,
        "differ": differ,
        "onlyRef": sorted(t for t in ref if t not in other),
        "onlyOther": sorted(t for t in other if t not in ref),
    }


# --------------------------------------------------------------------------- pricing page

def read_pricing_page_files(args: argparse.Namespace) -> tuple[dict, dict[str, list[dict]]]:
    """Return (snapshot info, {region: [file records]}) for the parent regions of the source."""
    files: dict[str, list[dict]] = {}
    if args.pricing_page_git:
        git_dir = args.pricing_page_git
        commit, commit_date = git_resolve(git_dir, args.pricing_page_commit)
        names = subprocess.run(
            ["git", "-C", git_dir, "ls-tree", "--name-only", commit, PRICING_PAGE_DIR + "/"],
            check=True, capture_output=True, text=True,
        ).stdout.split()
        names = [n.rsplit("/", 1)[-1] for n in names]
        snapshot = {"repository": args.pricing_page_repo_label, "commit": commit, "commitDate": commit_date}
    else:
        base = Path(args.pricing_page_dir)
        names = sorted(p.name for p in base.iterdir())
        snapshot = {
            "repository": args.pricing_page_repo_label,
            "commit": args.pricing_page_source_commit or "unknown",
            "commitDate": args.pricing_page_source_commit_date or "unknown",
        }
    for suffix, dataset in PRICING_PAGE_KINDS:
        tail = f"-{suffix}.json"
        for name in names:
            if not name.endswith(tail):
                continue
            region = name[: -len(tail)]
            if not PARENT_REGION_RE.match(region):
                continue
            path = f"{PRICING_PAGE_DIR}/{name}"
            rec = {"path": path, "kind": suffix, "expectedDataset": dataset}
            try:
                if args.pricing_page_git:
                    rec["text"] = git_show(args.pricing_page_git, snapshot["commit"], path)
                    changed = subprocess.run(
                        ["git", "-C", args.pricing_page_git, "log", "-1", "--format=%H %cI",
                         snapshot["commit"], "--", path],
                        check=True, capture_output=True, text=True,
                    ).stdout.split()
                    rec["lastChangedInCommit"], rec["lastChangedDate"] = (changed + [None, None])[:2]
                else:
                    rec["text"] = (Path(args.pricing_page_dir) / name).read_text(encoding="utf-8")
            except (subprocess.CalledProcessError, OSError) as exc:
                print(f"  cannot read {path}: {exc}", file=sys.stderr)
                rec["error"] = "unreadable"
            files.setdefault(region, []).append(rec)
    return snapshot, files


def merge_pricing_page(out: dict, args: argparse.Namespace) -> None:
    """Add regions from the pricing-page snapshot to `out` in place (never Karpenter's regions)."""
    snapshot, files = read_pricing_page_files(args)
    wanted = None if args.pricing_page_regions in (None, "", "all") else set(args.pricing_page_regions.split(","))
    regions: dict[str, dict[str, float]] = out["regions"]
    source = out["source"]
    region_sources: dict[str, dict] = source.setdefault("regionSources", {})
    key = "aws-pricing-page"

    parsed: dict[str, tuple[dict[str, float], dict]] = {}
    for region, recs in sorted(files.items()):
        prices: dict[str, float] = {}
        info = {"from": key, "files": []}
        ok = True
        for rec in recs:
            if "error" in rec:
                ok = False
                info["files"].append({"path": rec["path"], "error": rec["error"]})
                continue
            if not rec["text"].lstrip().startswith("{"):
                # the refresh job saved the S3 error document (e.g. NoSuchKey: AWS publishes no
                # previous-generation file for newer regions) - no data, not an error in the data
                code = re.search(r"<Code>([^<]+)</Code>", rec["text"])
                info["files"].append({"path": rec["path"], "noData": code.group(1) if code else "not JSON"})
                continue
            manifest, p, stats = parse_pricing_page(rec["text"])
            if manifest.get("source") != rec["expectedDataset"]:
                raise ValueError(f"{rec['path']}: manifest source {manifest.get('source')!r}")
            added = 0
            for t, v in p.items():
                if t in prices:
                    if prices[t] != v:
                        stats["conflicting"] += 1
                    continue
                prices[t] = v
                added += 1
            entry = {"path": rec["path"], "publishedAt": manifest.get("hawkFilePublicationDate"), "types": added}
            if rec.get("lastChangedInCommit"):
                entry["lastChangedInCommit"] = rec["lastChangedInCommit"]
                entry["lastChangedDate"] = rec["lastChangedDate"]
            if stats["notPlainLinux"] or stats["nonPositive"] or stats["conflicting"]:
                entry["dropped"] = {k: stats[k] for k in ("notPlainLinux", "nonPositive", "conflicting") if stats[k]}
            info["files"].append(entry)
        if not ok and not prices:
            continue
        info["types"] = len(prices)
        published = sorted({f["publishedAt"] for f in info["files"] if f.get("publishedAt")})
        info["publishedAt"] = published[-1] if published else None
        parsed[region] = (prices, info)

    # quality check: the same source's us-east-1 against Karpenter's us-east-1
    check = None
    ref_region = args.pricing_page_check_region
    if ref_region in parsed and ref_region in regions \
            and region_sources.get(ref_region, {}).get("from", "karpenter") == "karpenter":
        c = compare(regions[ref_region], parsed[ref_region][0])
        check = {
            "region": ref_region,
            "against": "Karpenter table (this file's " + ref_region + ")",
            "agree": len(c["agree"]),
            "disagree": len(c["differ"]),
            "onlyInKarpenter": len(c["onlyRef"]),
            "onlyInPricingPage": len(c["onlyOther"]),
            "disagreements": {t: [regions[ref_region][t], parsed[ref_region][0][t]] for t in c["differ"]},
            "disagreementsFormat": "[Karpenter, pricing page]",
        }
        print(f"check {key} vs Karpenter ({ref_region}): {check['agree']} agree, {check['disagree']} disagree, "
              f"{check['onlyInKarpenter']} only in Karpenter, {check['onlyInPricingPage']} only in pricing page")
        for t in c["differ"][: args.show]:
            print(f"    differ {t}: Karpenter {regions[ref_region][t]} vs pricing page {parsed[ref_region][0][t]}")

    # A type whose snapshot price in the check region differs from Karpenter's newer price had
    # a price change after the snapshot; its snapshot prices in the other regions are then
    # probably out of date too. By default they are withheld (no price = unknown), not copied.
    stale = sorted(check["disagreements"]) if check else []
    withhold = set(stale) if args.pricing_page_stale == "drop" else set()

    merged, skipped = [], []
    for region, (prices, info) in sorted(parsed.items()):
        if wanted is not None and region not in wanted:
            continue
        current = region_sources.get(region, {}).get("from")
        if region in regions and current != key:
            skipped.append(region)  # Karpenter (or another source) already has it: keep that
            continue
        held = sorted(t for t in prices if t in withhold)
        kept = {t: v for t, v in prices.items() if t not in withhold}
        info = dict(info, types=len(kept))
        if held:
            info["withheldStale"] = len(held)
        regions[region] = dict(sorted(kept.items()))
        region_sources[region] = info
        merged.append(region)
    out["regions"] = {r: regions[r] for r in sorted(regions)}
    source["regionSources"] = {r: region_sources[r] for r in sorted(region_sources)}
    source.setdefault("additionalSources", {})[key] = {
        "dataset": "AWS EC2 On-Demand pricing page data (aws.amazon.com/ec2/pricing/on-demand): the "
                   "'meteredUnitMaps' JSON files ec2-ondemand-without-sec-sel and previousgen-ondemand, "
                   "Linux, USD per hour, one file per region",
        "upstream": "https://b0.p.awsstatic.com/pricing/2.0/meteredUnitMaps/ec2/USD/current/<dataset>/<Location>/Linux/index.json",
        "snapshot": snapshot,
        "snapshotPath": PRICING_PAGE_DIR + "/<region>-ondemand.json, <region>-previousgen-ondemand.json",
        "note": "Third-party snapshot of AWS-published data, dated by the files' own "
                "manifest.hawkFilePublicationDate ('publishedAt' per region). Only parent regions are "
                "used (no Local or Wavelength Zones); regions present from Karpenter are kept as they are. "
                "Rows other than Linux / no pre-installed software / no licence are dropped, as are "
                "non-positive prices. Prices can be older than Karpenter's us-east-1 table; types launched "
                "after 'publishedAt' are absent (no price), not zero.",
        "crossCheck": check,
        "staleHandling": args.pricing_page_stale,
        "withheldTypes": sorted(withhold),
        "withheldNote": "Types whose " + ref_region + " price in this snapshot disagrees with Karpenter's newer "
                        "table changed price after the snapshot, so their snapshot prices in other regions are "
                        "probably out of date too; with staleHandling 'drop' they get no price (unknown) in the "
                        "merged regions ('withheldStale' per region counts them).",
    }
    print(f"merged {len(merged)} regions from {snapshot['repository']} @ {snapshot['commit']}")
    for r in merged:
        print(f"  {r}: {len(regions[r])} types (published {region_sources[r]['publishedAt']})")
    if skipped:
        print(f"  kept from their existing source: {', '.join(skipped)}")


def cmd_pricing_page(args: argparse.Namespace) -> int:
    if not (args.pricing_page_git or args.pricing_page_dir):
        print("give --pricing-page-git DIR [--pricing-page-commit REV] or --pricing-page-dir DIR", file=sys.stderr)
        return 2
    target = Path(args.output)
    out = json.loads(target.read_text(encoding="utf-8"))
    src = out["source"]
    rs = src.setdefault("regionSources", {})
    for r, info in src.get("regions", {}).items():  # the Karpenter regions, if not yet listed
        rs.setdefault(r, {"from": "karpenter", **info})
    merge_pricing_page(out, args)
    write_json(target, out)
    print(f"wrote {target} ({target.stat().st_size} bytes)")
    return 0


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
    out["source"]["regionSources"] = {r: {"from": "karpenter", **region_source[r]} for r in sorted(regions)}
    for r in sorted(regions):
        print(f"  {r}: {len(regions[r])} types from Karpenter (generated {region_source[r]['generatedAt']})")
    if args.pricing_page_git or args.pricing_page_dir:
        merge_pricing_page(out, args)
    target = Path(args.output)
    write_json(target, out)
    print(f"wrote {target} ({target.stat().st_size} bytes)")

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

def add_pricing_page_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pricing-page-git", help="git dir of github.com/yeo/ec2.shop (bare mirror is fine)")
    p.add_argument("--pricing-page-commit", default="HEAD", help="commit to read (default HEAD; recorded)")
    p.add_argument("--pricing-page-dir", help="plain directory holding <region>-ondemand.json files instead")
    p.add_argument("--pricing-page-source-commit", help="with --pricing-page-dir: commit to record")
    p.add_argument("--pricing-page-source-commit-date", help="with --pricing-page-dir: commit date to record")
    p.add_argument("--pricing-page-repo-label", default=PRICING_PAGE_REPO)
    p.add_argument("--pricing-page-regions", default="all",
                   help="comma-separated parent regions to merge, or 'all' (default); regions already "
                        "present from Karpenter are never replaced")
    p.add_argument("--pricing-page-check-region", default="us-east-1",
                   help="region whose pricing-page prices are compared with Karpenter's (not merged)")
    p.add_argument("--pricing-page-stale", choices=("drop", "keep"), default="drop",
                   help="types whose check-region price disagrees with Karpenter's: withhold them from the "
                        "merged regions (drop, default) or copy their snapshot prices anyway (keep)")


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
    add_pricing_page_args(od)
    od.set_defaults(func=cmd_on_demand)

    pp = sub.add_parser("pricing-page", help="merge more regions into prices-on-demand.json from AWS "
                                             "pricing-page data snapshots (github.com/yeo/ec2.shop data/ec2)")
    add_pricing_page_args(pp)
    pp.add_argument("--output", default=str(CATALOG_DIR / "prices-on-demand.json"),
                    help="prices-on-demand.json to read and rewrite")
    pp.add_argument("--show", type=int, default=30, help="how many differences to list")
    pp.set_defaults(func=cmd_pricing_page)

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
