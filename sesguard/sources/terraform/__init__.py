"""The Terraform source: ``.tf`` modules and ``terraform show -json`` plans → normalized resources.

Public API: :func:`read_terraform` and :func:`is_plan_json`.
"""

from sesguard.sources.terraform.plan_reader import is_plan_json
from sesguard.sources.terraform.reader import read_terraform

__all__ = ["is_plan_json", "read_terraform"]
