"""``sesguard investigate``: options, the run over each region, and the exit code."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from .render import summary, write
from .run import DEFAULT_LOOKBACK_DAYS, Options, investigate

EXIT_USAGE = 4
DESCRIPTION = (
    "Find where the bounces and complaints of an account come from, read-only: VDM metrics "
    "(BatchGetMetricData) by identity, configuration set and ISP; the suppression list "
    "(ListSuppressedDestinations) by day and reason; and, with --events, your SES event archive "
    "(Firehose JSON lines or SNS notification payloads, gzip or not, in S3 or a local folder), "
    "counted per recipient. Prints ranked causes with their figures and sources, writes "
    "investigation.json and investigation.html into --report-dir, and fills the cause section of "
    "the review drafts there. Recipient addresses never appear (domains only)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's options."""
    parser.add_argument(
        "--profile", metavar="NAME", help="AWS profile (default: the standard credential chain)"
    )
    parser.add_argument(
        "--regions", metavar="R1,R2", help="regions to investigate (default: the session's region)"
    )
    parser.add_argument("--lookback-days", type=int, default=DEFAULT_LOOKBACK_DAYS, metavar="DAYS",
                        help=f"window in days, ending today (default {DEFAULT_LOOKBACK_DAYS}, as the reputation policies)")  # fmt: skip
    parser.add_argument("--events", metavar="s3://BUCKET/PREFIX|PATH",
                        help="the event archive: an S3 prefix or a local file or folder")  # fmt: skip
    parser.add_argument("--no-vdm", action="store_true", help="do not read VDM metrics")
    parser.add_argument("--no-suppression", action="store_true", help="do not read the suppression list")
    parser.add_argument("--show-recipients", action="store_true",
                        help="list the most frequent bouncing/complaining recipients as salted hashes")  # fmt: skip
    parser.add_argument(
        "--report-dir", default="reports", metavar="DIR", help="where the results go (default reports/)"
    )


def run(args: argparse.Namespace, session: Any | None = None) -> int:
    """Investigate each region; 0 when done (whatever was found), 4 on bad usage."""
    if args.lookback_days < 1 or args.lookback_days > 400:
        print("sesguard investigate: --lookback-days must be between 1 and 400", file=sys.stderr)
        return EXIT_USAGE
    if args.events and not args.events.startswith("s3://") and not Path(args.events).expanduser().exists():
        print(f"sesguard investigate: --events {args.events}: no such file or folder", file=sys.stderr)
        return EXIT_USAGE
    if session is None:
        import boto3

        session = boto3.Session(profile_name=args.profile) if args.profile else boto3.Session()
    regions = [r.strip() for r in (args.regions or session.region_name or "").split(",") if r.strip()]
    if not regions:
        print("sesguard investigate: no region (pass --regions or configure one)", file=sys.stderr)
        return EXIT_USAGE
    results = []
    for region in regions:
        options = Options(
            region=region, lookback_days=args.lookback_days, events=args.events, vdm=not args.no_vdm,
            suppression=not args.no_suppression, show_recipients=args.show_recipients,
        )  # fmt: skip
        result = investigate(session, options).as_dict()
        results.append(result)
        print(summary(result))
    report_dir = Path(args.report_dir)
    path = write(results, report_dir)
    from .page import write as write_page
    from .review_update import refresh_review

    page = write_page(results, report_dir)
    print(f"sesguard investigate: wrote {path} and {page}")
    drafts = refresh_review(report_dir)
    if drafts:
        print(f"sesguard investigate: review drafts with the evidence in {drafts}")
    return 0


class EndpointSession:
    """A boto3 session whose clients all go to one endpoint (the local endpoint of the demo)."""

    def __init__(self, session: Any, endpoint_url: str) -> None:
        self._session = session
        self._endpoint_url = endpoint_url
        self.region_name = session.region_name

    def client(self, service: str, **kwargs: Any) -> Any:
        """A client of ``service`` on the endpoint."""
        return self._session.client(service, endpoint_url=self._endpoint_url, **kwargs)


def run_demo(endpoint_url: str, access_key_id: str, secret_access_key: str, region: str, events: str,
             report_dir: str) -> int:  # fmt: skip
    """The demo's investigation: the incident region, its archive, as the demo's read-only user."""
    import boto3

    session = boto3.Session(
        aws_access_key_id=access_key_id, aws_secret_access_key=secret_access_key, region_name=region
    )
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--regions", region, "--events", events, "--report-dir", report_dir])
    print(f"sesguard demo: investigating {region} (VDM, suppression list, {events}) ...")
    return run(args, EndpointSession(session, endpoint_url))
