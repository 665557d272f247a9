#!/usr/bin/env python3
"""Writes the payer rules as the ConfigMap `estimator-rules`, for `kubectl apply -f -`.

    deploy/k8s/rules_configmap.py payer_rules | kubectl apply -n estimator -f -

A ConfigMap's keys cannot contain "/", so each file is stored under its flat name:
plans/aetna_open_access_ppo_2026.textproto is the key plans__aetna_open_access_ppo_2026.textproto,
which the server reads as that same file (same name in messages, same rule-set version). The rule
tests (tests/) stay out: the server does not read them. Mounted as a folder (never subPath), an
applied change reaches every pod: the kubelet swaps the folder atomically, each server's poll loads
the new set whole, and a set that does not load leaves the last good one in place on every pod
(visible in `estimator rules-status`). The output is JSON, which kubectl reads as YAML.
"""
import argparse
import json
import os
import re
import sys

FOLDERS = ("plans", "clinics", "protocols", "catalogs", "codes")
SEPARATOR = "__"  # service/rules/rule_files.h kFlatFolderSeparator
# The API server refuses objects over about 1 MiB (etcd's request limit); stay well under it.
MAX_BYTES = 900 * 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rules_dir", help="folder with plans/, clinics/, protocols/, catalogs/, codes/")
    parser.add_argument("--name", default="estimator-rules")
    parser.add_argument("--namespace", default=None)
    args = parser.parse_args()

    data = {}
    for folder in FOLDERS:
        path = os.path.join(args.rules_dir, folder)
        if not os.path.isdir(path):
            sys.exit(f"rules_configmap: {path} is missing; is {args.rules_dir} a rules folder?")
        for name in sorted(os.listdir(path)):
            if not name.endswith(".textproto"):
                continue
            key = f"{folder}{SEPARATOR}{name}"
            if not re.fullmatch(r"[-._a-zA-Z0-9]+", key):
                sys.exit(f"rules_configmap: {folder}/{name}: a ConfigMap key may hold only letters, "
                         "digits, '-', '_' and '.'; rename the file")
            try:
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    data[key] = f.read()
            except UnicodeDecodeError as e:
                sys.exit(f"rules_configmap: {folder}/{name}: not UTF-8 text ({e.reason} at byte {e.start})")
    if not any(key.startswith("plans" + SEPARATOR) for key in data):
        sys.exit(f"rules_configmap: no plan files in {args.rules_dir}/plans")
    size = sum(len(k) + len(v.encode("utf-8")) for k, v in data.items())
    if size > MAX_BYTES:
        sys.exit(f"rules_configmap: {size} bytes of rules; a ConfigMap holds about 1 MiB. "
                 "Split the rules or mount them from a volume instead.")
    metadata = {"name": args.name, "labels": {"app.kubernetes.io/name": "estimator"}}
    if args.namespace:
        metadata["namespace"] = args.namespace
    json.dump({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data},
              sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
