"""Tests of the live-account reader (sesguard.sources.live) against the local SES endpoint."""
