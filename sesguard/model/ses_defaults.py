"""What SES and CloudWatch assume when a setting is not given: one value per setting, for every source.

A template that omits a setting and an API answer that omits a member mean the same thing: AWS's
default applies. Each value below is AWS's documented default (the SES v2 API reference for
``DeliveryOptions``, ``ReputationOptions``, ``SendingOptions``, ``EventDestination``,
``DkimSigningAttributes``; the SES v1 reference for ``ReceiptRule``; CloudWatch ``PutMetricAlarm``),
which the CloudFormation resource reference and the Terraform AWS provider documentation repeat.
The local endpoint keeps its own copy on purpose: a fake that imported these would agree with the
reader even when both were wrong.
"""

from __future__ import annotations

from typing import Final

TLS_POLICY: Final = "OPTIONAL"
"""``DeliveryOptions.TlsPolicy`` of a configuration set or receipt rule: TLS is used when offered."""
EASY_DKIM_NEXT_KEY_LENGTH: Final = "RSA_2048_BIT"
"""``DkimSigningAttributes.NextSigningKeyLength`` for Easy DKIM."""
DKIM_SIGNING_ENABLED: Final = True
"""``DkimAttributes.SigningEnabled`` of a new email identity (SES signs with Easy DKIM by default)."""
SENDING_ENABLED: Final = True
"""``SendingOptions.SendingEnabled`` of a configuration set."""
REPUTATION_METRICS_ENABLED: Final = False
"""``ReputationOptions.ReputationMetricsEnabled`` of a configuration set."""
EVENT_DESTINATION_ENABLED: Final = False
"""``EventDestination.Enabled``: a destination publishes nothing unless enabled."""
RECEIPT_RULE_ENABLED: Final = False
"""``ReceiptRule.Enabled``."""
RECEIPT_RULE_SCAN_ENABLED: Final = False
"""``ReceiptRule.ScanEnabled``."""
ALARM_ACTIONS_ENABLED: Final = True
"""CloudWatch ``PutMetricAlarm`` ``ActionsEnabled``."""
