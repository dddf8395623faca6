"""The CloudFormation source through real cfn-lint decoding: tags, lines, intrinsics, links, IAM."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sesguard.model import ACCOUNT, TEMPLATE_SET, Branches, Inventory, Resource, is_unknown
from sesguard.run import derive
from sesguard.sources.cfn import read_cloudformation

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cfn_source"  # not under cfn/: not a policy fixture set
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "iac" / "cloudformation"


def read(tmp_path: Path, text: str, name: str = "template.yaml") -> Inventory:
    path = tmp_path / name
    path.write_text(text)
    return read_path(path)


def read_fixture(name: str) -> Inventory:
    """The template ``tests/fixtures/cfn_source/<name>``, read and derived."""
    return read_path(FIXTURES / name)


def read_path(path: Path) -> Inventory:
    inventory = read_cloudformation(path, str(path))
    inventory = derive(inventory)
    return inventory


def by_id(inventory: Inventory) -> dict[str, Resource]:
    return {r.id: r for r in inventory.resources}


def test_short_form_tags_parameters_pseudo_parameters_and_lines() -> None:
    inventory = read_fixture("short-form-tags-parameters-pseudo-parameters-and-lines.yaml")
    resources = by_id(inventory)
    identity = resources["Identity"]
    assert identity.location.line == 9
    assert resources["Set"].location.line == 5
    assert identity.props["identity"] == "example.com"
    assert identity.props["identity_type"] == "DOMAIN"
    assert identity.props["mail_from_domain"] == "bounce.example.com"
    assert identity.props["default_configuration_set"] == "example.com-main"
    assert resources["Set"].props["name"] == "example.com-main"
    assert identity.props["dkim_signing_enabled"] is True  # CloudFormation's default


def test_json_templates_have_lines_too() -> None:
    inventory = read_fixture("json-templates-have-lines-too.json")
    resource = by_id(inventory)["Set"]
    assert resource.props["tls_policy"] == "REQUIRE"
    assert resource.location.line == 3


def test_fn_if_with_different_branches_is_unknown_and_equal_branches_resolve() -> None:
    inventory = read_fixture("fn-if-with-different-branches-is-unknown-and-equal-branches-resolve.yaml")
    resources = by_id(inventory)
    assert is_unknown(resources["Differs"].props["tls_policy"])
    differs = resources["Differs"].props["tls_policy"]
    assert isinstance(differs, Branches) and "differs between template branches" in differs.reason
    assert differs.options == (("Prod is true", "REQUIRE"), ("Prod is false", "OPTIONAL"))
    assert resources["Same"].props["tls_policy"] == "REQUIRE"
    assert is_unknown(resources["NoValue"].props["tls_policy"])


def test_parameter_without_default_and_import_value_are_unknown() -> None:
    inventory = read_fixture("parameter-without-default-and-import-value-are-unknown.yaml")
    resources = by_id(inventory)
    assert "without a default" in resources["A"].props["identity"].reason
    assert is_unknown(resources["B"].props["identity"])


def test_event_destinations_attach_by_ref_and_by_literal_name() -> None:
    inventory = read_fixture("event-destinations-attach-by-ref-and-by-literal-name.yaml")
    props = by_id(inventory)["Named"].props
    assert props["enabled_event_types"] == ["BOUNCE", "COMPLAINT"]
    assert len(props["event_destinations"]) == 3


def _principal(inventory: Inventory, logical_id: str) -> dict[str, Any]:
    return by_id(inventory)[logical_id].props


def test_sending_principals_found_across_inline_group_managed_and_policy_resources() -> None:
    inventory = read_fixture("sending-principals-found-across-inline-group-managed-and-policy-resources.yaml")
    assert _principal(inventory, "ViaGroupPolicy")["is_sending"] is True
    assert _principal(inventory, "ViaGroupPolicy")["actions_beyond_send"] == []
    assert _principal(inventory, "ViaAddition")["is_sending"] is True
    assert _principal(inventory, "ViaAddition")["actions_beyond_send"] == ["ses:*"]
    assert _principal(inventory, "ViaManaged")["is_sending"] is True
    not_action = _principal(inventory, "ViaNotAction")
    assert not_action["is_sending"] is True and "NotAction" in not_action["actions_beyond_send"][0]
    assert _principal(inventory, "Reader")["is_sending"] is False
    assert is_unknown(_principal(inventory, "ExternalGroup")["is_sending"])


def test_access_keys_login_profiles_and_network_scoping() -> None:
    inventory = read_fixture("access-keys-login-profiles-and-network-scoping.yaml")
    props = _principal(inventory, "Smtp")
    assert props["console_password"] is True
    assert props["has_access_keys"] is True and props["active_key_count"] == 1
    assert props["send_resource_scoped"] is True
    assert props["send_network_restricted"] is True


def test_secret_exposure_and_literal_credentials_are_masked() -> None:
    inventory = read_fixture("secret-exposure-and-literal-credentials-are-masked.yaml")
    template_set = next(r for r in inventory.resources if r.type == TEMPLATE_SET)
    exposures = template_set.props["secret_exposures"]
    assert {e["where"] for e in exposures} == {"stack output", "resource property"}
    assert all(e["line"] for e in exposures)
    assert not any("Stored" in e["detail"] for e in exposures)
    credentials = template_set.props["literal_credentials"]
    kinds = {c["kind"] for c in credentials}
    assert kinds == {"access key ID", "SMTP password"}
    text = json.dumps(credentials)
    assert "AKIAIOSFODNN7EXAMPLE" not in text and "BHmkjU3nFAlTG" not in text
    assert "AKIA****************" in text


def test_account_row_only_for_sets_with_ses_resources() -> None:
    ses = read_fixture("minimal-set.yaml")
    other = read_fixture("no-ses.yaml")
    assert any(r.type == ACCOUNT for r in ses.resources)
    assert not any(r.type == ACCOUNT for r in other.resources)


def test_non_template_yaml_in_a_folder_is_skipped_but_named_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "workflow.yml").write_text("on: push\njobs: {}\n")
    folder = read_cloudformation(tmp_path, "set")
    assert not folder.errors and not folder.resources
    named = read_cloudformation(tmp_path / "workflow.yml", "set")
    assert "not a CloudFormation template" in named.errors[0].message


def test_parse_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("Resources:\n  A:\n    Type: [\n")
    (tmp_path / "good.yaml").write_text("Resources:\n  S: {Type: AWS::SES::ConfigurationSet}\n")
    inventory = read_cloudformation(tmp_path, "set")
    assert len(inventory.errors) == 1
    assert "bad.yaml:" in inventory.errors[0].message
    assert any(r.id == "S" for r in inventory.resources)


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus folder {CORPUS} is absent")
def test_the_cloudformation_corpus_is_there_whole() -> None:
    assert len(list(CORPUS.glob("*"))) >= 28  # an emptied corpus fails rather than giving no rows


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus folder {CORPUS} is absent")
@pytest.mark.parametrize(
    "path", sorted(CORPUS.glob("*")) if CORPUS.is_dir() else [], ids=lambda p: p.name[:60]
)
def test_every_corpus_template_reads_without_internal_error(path: Path) -> None:
    from sesguard.policies import load_policies
    from sesguard.run import evaluate

    inventory = read_cloudformation(path, path.name)
    assert not inventory.meta.get("internal_errors"), [e.message for e in inventory.errors]
    policies = load_policies()
    rows = evaluate(inventory, policies).findings
    assert rows, "every set gets rows"
    assert not [r for r in rows if "internal error" in r.message]


# --- fail closed: Unknown blocks, lists and links ------------------------------------------------------
def _no_internal_error(inventory: Inventory) -> None:
    assert not inventory.errors, [e.message for e in inventory.errors]
    assert not inventory.meta.get("internal_errors")


def _account(inventory: Inventory) -> dict[str, Any]:
    return next(r.props for r in inventory.resources if r.type == ACCOUNT)


def test_whole_blocks_chosen_with_fn_if_are_unknown_and_do_not_take_down_the_file() -> None:
    inventory = read_fixture("whole-blocks-chosen-with-fn-if-are-unknown-and-do-not-take-down-the-file.yaml")
    _no_internal_error(inventory)
    resources = by_id(inventory)
    enabled = resources["Set"].props["enabled_event_types"]  # destinations differ by branch
    assert is_unknown(enabled) and "Prod is" in enabled.reason
    assert is_unknown(resources["Identity"].props["dkim_next_key_length"])
    assert resources["Identity"].props["dkim_origin"] == "AWS_SES"  # Easy DKIM in both branches
    assert is_unknown(resources["Rule"].props["scan_enabled"])
    alarms = _account(inventory)["alarms"]
    assert isinstance(alarms, Branches) and {len(a) for _, a in alarms.options} == {1}
    assert {a[0]["actions"] for _, a in alarms.options} == {0, 1}
    whole = resources["Whole"].props
    assert is_unknown(whole["tls_policy"]) and whole["sending_enabled"] is True  # the same in both branches
    assert resources["Plain"].props["tls_policy"] == "REQUIRE"


def test_unknown_lists_of_a_principal_become_unknown_documents() -> None:
    inventory = read_fixture("unknown-lists-of-a-principal-become-unknown-documents.yaml")
    _no_internal_error(inventory)
    for logical_id in ("InlineIf", "ManagedFromParameter", "GroupsIf"):
        assert is_unknown(_principal(inventory, logical_id)["is_sending"]), logical_id


def test_login_profile_that_may_be_absent_is_unknown() -> None:
    inventory = read_fixture("login-profile-that-may-be-absent-is-unknown.yaml")
    password = _principal(inventory, "OnlyInDev")["console_password"]
    assert is_unknown(password) and "Dev" in password.reason
    assert _principal(inventory, "AlwaysButWhichPassword")["console_password"] is True
    assert _principal(inventory, "Never")["console_password"] is False


def test_attachments_to_unresolvable_users_reach_every_user_they_may_designate() -> None:
    inventory = read_fixture("attachments-to-unresolvable-users-reach-every-user-they-may-designate.yaml")
    _no_internal_error(inventory)
    for logical_id in ("Mailer", "Bystander"):
        props = _principal(inventory, logical_id)
        assert is_unknown(props["is_sending"]) and "MailerName" in props["is_sending"].reason
        assert is_unknown(props["has_access_keys"]) and "MailerName" in props["has_access_keys"].reason
        assert [k["id"] for k in props["access_keys"]] == ["Key"]  # the inactive key adds nothing


def test_attachments_by_ref_use_the_logical_id_and_literals_may_name_an_unresolved_user() -> None:
    inventory = read_fixture("attachments-by-ref-use-the-logical-id-and-literals-may-name-an-unresolved-user.yaml")
    _no_internal_error(inventory)
    mailer = _principal(inventory, "Mailer")
    assert mailer["is_sending"] is True and mailer["has_access_keys"] is True
    # "someone-else" names no user of the template: it may be Mailer's unresolved name, not Known's.
    assert (
        is_unknown(mailer["actions_beyond_send"]) and "someone-else" in mailer["actions_beyond_send"].reason
    )
    known = _principal(inventory, "Known")
    assert known["is_sending"] is False and known["has_access_keys"] is True


def test_group_addition_of_an_unresolvable_user_may_concern_every_user() -> None:
    inventory = read_fixture("group-addition-of-an-unresolvable-user-may-concern-every-user.yaml")
    sender = _principal(inventory, "Sender")
    assert sender["is_sending"] is True
    assert is_unknown(sender["actions_beyond_send"]) and "Who" in sender["actions_beyond_send"].reason


def test_unresolvable_dmarc_records_make_the_policy_unknown_only_where_they_may_apply() -> None:
    inventory = read_fixture("unresolvable-dmarc-records-make-the-policy-unknown-only-where-they-may-apply.yaml")
    resources = by_id(inventory)
    example = resources["Example"].props["dmarc_policy"]
    assert is_unknown(example)
    other = resources["Other"].props["dmarc_policy"]
    assert is_unknown(other) and "MaybeDmarc" in other.reason and "Zone" in other.reason
    assert is_unknown(resources["FromParameter"].props["dmarc_policy"])


def test_non_dmarc_records_with_unresolved_names_change_nothing() -> None:
    inventory = read_fixture("non-dmarc-records-with-unresolved-names-change-nothing.yaml")
    assert by_id(inventory)["Example"].props["dmarc_policy"] == "quarantine"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ("{EngagementMetrics: ENABLED}|{OptimizedSharedDelivery: ENABLED}", True),
        ("{EngagementMetrics: ENABLED}|{OptimizedSharedDelivery: DISABLED}", False),
        ("{EngagementMetrics: !Ref P}|{OptimizedSharedDelivery: ENABLED}", None),
        ("{EngagementMetrics: !Ref P}|{OptimizedSharedDelivery: DISABLED}", False),
    ],
)
def test_vdm_enabled_is_three_valued(tmp_path: Path, settings: str, expected: bool | None) -> None:
    dashboard, guardian = settings.split("|")
    inventory = read(
        tmp_path,
        f"""Parameters:
  P: {{Type: String}}
Resources:
  Vdm:
    Type: AWS::SES::VdmAttributes
    Properties: {{DashboardAttributes: {dashboard}, GuardianAttributes: {guardian}}}
""",
    )
    value = _account(inventory)["vdm_enabled"]
    assert is_unknown(value) if expected is None else value is expected


def test_vdm_enabled_across_the_templates_of_a_set(tmp_path: Path) -> None:
    for folder, files in {"one": ("vdm-from-a-parameter.yaml", "minimal-set.yaml"),
                          "two": ("vdm-from-a-parameter.yaml", "vdm-enabled.yaml")}.items():
        (tmp_path / folder).mkdir()
        for name in files:
            shutil.copyfile(FIXTURES / name, tmp_path / folder / name)
    one = read_cloudformation(tmp_path / "one", "one")
    two = read_cloudformation(tmp_path / "two", "two")
    assert is_unknown(_account(one)["vdm_enabled"])
    assert _account(two)["vdm_enabled"] is True


def test_event_destination_of_an_unknown_set_only_matters_where_it_could_add_types() -> None:
    inventory = read_fixture("event-destination-of-an-unknown-set-only-matters-where-it-could-add-types.yaml")
    resources = by_id(inventory)
    assert resources["Covered"].props["enabled_event_types"] == ["BOUNCE", "COMPLAINT"]
    [bare] = resources["Bare"].props["enabled_event_types"]
    assert is_unknown(bare) and "configuration set is unknown" in bare.reason and "Which" in bare.reason
    # The literal name matches no set: it may be the one whose Name is unresolved, not "bare".
    assert [d["name"] for d in resources["Bare"].props["event_destinations"]] == ["Somewhere"]
    assert [d["name"] for d in resources["Unnamed"].props["event_destinations"]] == ["Somewhere", "ByLiteral"]


def test_enabled_destination_with_an_unknown_event_type_is_unknown() -> None:
    inventory = read_fixture("enabled-destination-with-an-unknown-event-type-is-unknown.yaml")
    assert by_id(inventory)["Set"].props["enabled_event_types"][0] == "BOUNCE"
    assert is_unknown(by_id(inventory)["Set"].props["enabled_event_types"][-1])


def test_alarm_actions_count_unknown_values_but_not_maybe_absent_ones() -> None:
    inventory = read_fixture("alarm-actions-count-unknown-values-but-not-maybe-absent-ones.yaml")
    # Branch-wise: one action when Prod is true, none when it is false.
    branches = _account(inventory)["alarms"]
    assert isinstance(branches, Branches)
    for label, listed in branches.options:
        alarms = {a["name"]: a for a in listed}
        assert alarms["FromParameter"]["actions"] == 1
        assert alarms["OnlyInProd"]["actions"] == (1 if label == "Prod is true" else 0)


def test_address_identity_from_a_parameter_says_why_its_domain_is_unknown() -> None:
    inventory = read_fixture("address-identity-from-a-parameter-says-why-its-domain-is-unknown.yaml")
    present = by_id(inventory)["Address"].props["domain_identity_present"]
    assert is_unknown(present) and "Sender" in present.reason


def test_resources_behind_a_condition_prove_nothing() -> None:
    """An alarm, event destination, VDM setting or DMARC record that exists only in some deployments
    cannot make a row pass; a setting that would fail still fails."""
    inventory = read_fixture("resources-behind-a-condition-prove-nothing.yaml")
    from sesguard.policies import load_policies
    from sesguard.run import evaluate

    wanted = {"SES-CS-001", "SES-MON-001", "SES-VDM-001", "SES-ID-006"}
    policies = [p for p in load_policies() if p.id in wanted]
    rows = evaluate(inventory, policies).findings
    statuses = {row.policy_id: row.status for row in rows}
    assert statuses == dict.fromkeys(wanted, "error"), [(r.policy_id, r.status, r.message) for r in rows]
    assert all("fails when Prod is false" in row.message and "passes when Prod is true" in row.message for row in rows), [
        r.message for r in rows
    ]


def test_every_source_fixture_is_read_by_a_test_here() -> None:
    text = Path(__file__).read_text(encoding="utf-8")
    unused = [p.name for p in sorted(FIXTURES.iterdir()) if f'"{p.name}"' not in text]
    assert not unused and len(list(FIXTURES.iterdir())) >= 20, unused
