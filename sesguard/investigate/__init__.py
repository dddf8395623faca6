"""``sesguard investigate``: where the bounces and complaints of an account and region come from.

Small modules with one job each: :mod:`.events` reads one SES event record (event publishing or
SNS notification), :mod:`.archive` streams records from a folder or an S3 prefix, :mod:`.tally`
counts them per recipient, :mod:`.vdm` and :mod:`.suppression` read the two SES v2 APIs,
:mod:`.causes` ranks causes from that evidence, :mod:`.run` ties them together, and
:mod:`.render` / :mod:`.page` write the results.
"""
