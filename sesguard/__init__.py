"""sesguard: policy-as-code compliance checks for Amazon SES."""

__version__ = "0.1.0"
