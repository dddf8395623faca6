"""Template throughput and peak memory: the shared corpus and a generated set of 1,000 templates.

Run: ``.venv/bin/python benchmarks/bench_templates.py [--count 1000]``. Each case runs in a fresh
subprocess (so peak RSS is its own) through the same path as ``pytest checks/ --templates``: read,
derive, evaluate every policy. Figures are written to ``benchmarks/results/templates.md``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "iac"
RESULTS = REPO / "benchmarks" / "results" / "templates.md"

TEMPLATE = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Domain: {{Type: String, Default: app{n}.example.com}}
Resources:
  Set{n}:
    Type: AWS::SES::ConfigurationSet
    Properties:
      Name: set-{n}
      DeliveryOptions: {{TlsPolicy: {tls}}}
  Dest{n}:
    Type: AWS::SES::ConfigurationSetEventDestination
    Properties:
      ConfigurationSetName: !Ref Set{n}
      EventDestination:
        Enabled: true
        MatchingEventTypes: [bounce, complaint]
        SnsDestination: {{TopicARN: !Sub "arn:${{AWS::Partition}}:sns:${{AWS::Region}}:${{AWS::AccountId}}:t{n}"}}
  Identity{n}:
    Type: AWS::SES::EmailIdentity
    Properties:
      EmailIdentity: !Ref Domain
      ConfigurationSetAttributes: {{ConfigurationSetName: !Ref Set{n}}}
  User{n}:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: send
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: [{actions}]
                Resource: "*"
  Key{n}:
    Type: AWS::IAM::AccessKey
    Properties: {{UserName: !Ref User{n}}}
  Alarm{n}:
    Type: AWS::CloudWatch::Alarm
    Properties:
      Namespace: AWS/SES
      MetricName: Reputation.BounceRate
      Threshold: 0.05
      ComparisonOperator: GreaterThanOrEqualToThreshold
      EvaluationPeriods: 1
      Period: 3600
      Statistic: Average
      AlarmActions: [!Sub "arn:aws:sns:${{AWS::Region}}:${{AWS::AccountId}}:ops"]
"""

TERRAFORM = """variable "domain" {{
  default = "app{n}.example.com"
}}

resource "aws_sesv2_configuration_set" "set{n}" {{
  configuration_set_name = "set-{n}"
  delivery_options {{
    tls_policy = "{tls}"
  }}
}}

resource "aws_sesv2_configuration_set_event_destination" "dest{n}" {{
  configuration_set_name = aws_sesv2_configuration_set.set{n}.configuration_set_name
  event_destination_name = "feedback"
  event_destination {{
    enabled              = true
    matching_event_types = ["BOUNCE", "COMPLAINT"]
    sns_destination {{
      topic_arn = "arn:aws:sns:us-east-1:111111111111:t{n}"
    }}
  }}
}}

resource "aws_sesv2_email_identity" "identity{n}" {{
  email_identity         = var.domain
  configuration_set_name = aws_sesv2_configuration_set.set{n}.configuration_set_name
}}

resource "aws_iam_user" "user{n}" {{
  name = "sender-{n}"
}}

resource "aws_iam_user_policy" "send{n}" {{
  user   = aws_iam_user.user{n}.name
  policy = jsonencode({{ Statement = [{{ Effect = "Allow", Action = [{actions}], Resource = "*" }}] }})
}}

resource "aws_iam_access_key" "key{n}" {{
  user = aws_iam_user.user{n}.name
}}
"""

CHILD = """
import json, resource, sys, time
from pathlib import Path
from sesguard.policies import load_policies
from sesguard.run import Request, collect, evaluate
paths = [Path(p) for p in sys.argv[1:]]
policies = load_policies()
start = time.perf_counter()
inventory = collect(Request(templates=paths))
rows = evaluate(inventory, policies).findings
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rows": len(rows), "resources": len(inventory.resources),
                  "files": int(inventory.meta.get("templates_read", 0)),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def generate(folder: Path, count: int) -> None:
    """``count`` CloudFormation templates in ``folder``."""
    for n in range(count):
        actions = '"ses:SendRawEmail"' if n % 2 else '"ses:*"'
        tls = "REQUIRE" if n % 3 else "OPTIONAL"
        (folder / f"stack-{n:04d}.yaml").write_text(TEMPLATE.format(n=n, actions=actions, tls=tls))


def generate_terraform(folder: Path, count: int, per_module: int = 10) -> None:
    """``count`` Terraform files in modules of ``per_module`` files each."""
    for n in range(count):
        module = folder / f"module-{n // per_module:03d}"
        module.mkdir(exist_ok=True)
        actions = '"ses:SendRawEmail"' if n % 2 else '"ses:*"'
        tls = "REQUIRE" if n % 3 else "OPTIONAL"
        text = TERRAFORM.format(n=n, actions=actions, tls=tls)
        if n % per_module:
            text = text.split("\n\n", 1)[1]  # one variable per module
        (module / f"ses-{n:04d}.tf").write_text(text)


def measure(paths: list[Path]) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", CHILD, *map(str, paths)], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="generated templates (default 1000)")
    args = parser.parse_args()
    cases: list[tuple[str, list[Path]]] = []
    if (CORPUS / "cloudformation").is_dir():
        cases.append(
            ("corpus: CloudFormation (one set per file)", sorted((CORPUS / "cloudformation").glob("*")))
        )
    if (CORPUS / "terraform").is_dir():
        cases.append(("corpus: Terraform (one set per file)", sorted((CORPUS / "terraform").glob("*.tf"))))
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / "cfn"
        generated.mkdir()
        generate(generated, args.count)
        cases.append((f"generated: {args.count} CloudFormation templates, one set", [generated]))
        generated_tf = Path(tmp) / "tf"
        generated_tf.mkdir()
        generate_terraform(generated_tf, args.count)
        cases.append((f"generated: {args.count} Terraform files in {args.count // 10} modules, one set", [generated_tf]))
        lines = [
            "| case | files | resources | rows | seconds | files/s | peak RSS MB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, paths in cases:
            started = time.perf_counter()
            figures = measure(paths)
            wall = time.perf_counter() - started
            files = args.count if name.startswith("generated") else len(paths)
            lines.append(
                f"| {name} | {int(files)} | {int(figures['resources'])} | {int(figures['rows'])} | "
                f"{figures['seconds']:.2f} | {files / figures['seconds']:.0f} | {figures['peak_rss_mb']:.0f} |"
            )
            print(f"{name}: {figures} (process wall {wall:.2f}s)", file=sys.stderr)
    table = "\n".join(lines)
    print(table)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        "# Template benchmark\n\nMeasured by `benchmarks/bench_templates.py` in one run (read + derive + evaluate "
        "every policy; peak RSS of the whole process, interpreter included).\n\n" + table + "\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
