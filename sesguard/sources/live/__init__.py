"""The live-account reader: an AWS account's SES setup, read with boto3, as normalized resources.

``collect_live(LiveOptions(...))`` returns an :class:`~sesguard.model.Inventory` of base properties
(``docs/model.md``) and ``SourceError``s; ``sesguard.derive`` and the policy engine take it from
there. Read-only: the calls it makes are exactly the actions of ``sesguard/iam-readonly-policy.json``.
"""

from sesguard.sources.live.collector import collect_live
from sesguard.sources.live.options import LiveOptions

__all__ = ["LiveOptions", "collect_live"]
