"""What a live scan needs before it starts: a profile that exists, a region, credentials.

Each missing one is a usage problem of the whole run, said in one line (``ValueError``), not a
finding repeated on every row. Nothing here calls AWS: the credential chain is only resolved.
"""

from __future__ import annotations

import boto3
from botocore.exceptions import BotoCoreError

from sesguard.sources.live.options import LiveOptions

NO_REGION = (
    "no region: pass --regions (e.g. --regions us-east-1 or --regions all), or configure a default "
    "region (AWS_DEFAULT_REGION, or region in the profile)"
)
NO_CREDENTIALS = (
    "no AWS credentials found: configure the standard boto3 credential chain (AWS_ACCESS_KEY_ID and "
    "AWS_SECRET_ACCESS_KEY, --profile, aws sso login, an instance or container role)"
)


def preflight(options: LiveOptions) -> None:
    """Raise ValueError, in one line, if the scan cannot start: bad options, profile, region, credentials."""
    options.validate()
    try:
        session = boto3.Session(profile_name=options.profile)
        region = session.region_name
        credentials = session.get_credentials()
    except BotoCoreError as exc:  # e.g. ProfileNotFound, a malformed config or SSO cache
        raise ValueError(str(exc).splitlines()[0]) from None
    if options.regions is None and not region:
        raise ValueError(NO_REGION)
    if credentials is None:
        raise ValueError(NO_CREDENTIALS)
