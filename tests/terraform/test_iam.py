"""IAM principals: inline / attached / AWS-managed documents, groups, access keys, login profiles."""

from __future__ import annotations

from sesguard.model import Unknown, is_unknown
from sesguard.run import derive

from .conftest import ReadHcl, props

SEND_POLICY = """
data "aws_iam_policy_document" "send" {
  statement {
    sid       = "Send"
    effect    = "Allow"
    actions   = ["ses:SendRawEmail", "ses:SendEmail"]
    resources = ["arn:aws:ses:eu-west-1:123456789012:identity/example.com"]
    condition {
      test     = "IpAddress"
      variable = "aws:SourceIp"
      values   = ["192.0.2.0/24"]
    }
    condition {
      test     = "StringLike"
      variable = "ses:FromAddress"
      values   = ["*@example.com"]
    }
  }
  statement {
    effect      = "Deny"
    not_actions = ["ses:Send*"]
    resources   = ["*"]
  }
}
"""


def test_user_with_policy_document_data_source(read_hcl: ReadHcl) -> None:
    inv = read_hcl(SEND_POLICY + """
resource "aws_iam_user" "pass" { name = "smtp" }
resource "aws_iam_user_policy" "send" {
  name   = "send"
  user   = aws_iam_user.pass.name
  policy = data.aws_iam_policy_document.send.json
}
""")
    p = props(inv, "aws_iam_user.pass")
    assert p["principal_type"] == "user"
    assert p["name"] == "smtp"
    (doc,) = p["policy_documents"]
    assert doc["origin"] == "inline:send"
    assert doc["document"] == {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Send", "Effect": "Allow", "Action": ["ses:SendRawEmail", "ses:SendEmail"],
             "Resource": "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
             "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"},
                           "StringLike": {"ses:FromAddress": "*@example.com"}}},
            {"Effect": "Deny", "NotAction": "ses:Send*", "Resource": "*"},
        ],
    }
    assert (p["access_keys"], p["console_password"], p["groups"]) == ([], False, [])


def test_heredoc_policy_and_keys_and_login_profile(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_iam_user" "fail" { name = "smtp-admin" }
resource "aws_iam_user_policy" "all" {
  user   = aws_iam_user.fail.name
  name   = "all"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": "ses:*", "Resource": "*"}]
}
EOF
}
resource "aws_iam_access_key" "active" { user = aws_iam_user.fail.name }
resource "aws_iam_access_key" "old" {
  user   = "smtp-admin"
  status = "Inactive"
}
resource "aws_iam_user_login_profile" "console" { user = aws_iam_user.fail.name }
""")
    p = props(inv, "aws_iam_user.fail")
    assert p["policy_documents"][0]["document"]["Statement"][0]["Action"] == "ses:*"
    assert p["access_keys"] == [
        {"id": "aws_iam_access_key.active", "status": "Active", "created_at": None, "last_used_at": None},
        {"id": "aws_iam_access_key.old", "status": "Inactive", "created_at": None, "last_used_at": None},
    ]
    assert p["console_password"] is True


def test_attachments_managed_policies(read_hcl: ReadHcl) -> None:
    inv = read_hcl(SEND_POLICY + """
resource "aws_iam_user" "u" { name = "u" }
resource "aws_iam_policy" "send" {
  name   = "ses-send"
  policy = data.aws_iam_policy_document.send.json
}
resource "aws_iam_user_policy_attachment" "custom" {
  user       = aws_iam_user.u.name
  policy_arn = aws_iam_policy.send.arn
}
resource "aws_iam_user_policy_attachment" "full" {
  user       = aws_iam_user.u.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSESFullAccess"
}
resource "aws_iam_user_policy_attachment" "unknown_managed" {
  user       = aws_iam_user.u.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3FullAccess"
}
resource "aws_iam_user_policy_attachment" "elsewhere" {
  user       = aws_iam_user.u.name
  policy_arn = "arn:aws:iam::123456789012:policy/defined-elsewhere"
}
""")
    p = props(inv, "aws_iam_user.u")
    origins = [d["origin"] for d in p["policy_documents"]]
    assert origins == [
        "managed:arn:<partition>:iam::<account-id>:policy/ses-send",
        "managed:arn:aws:iam::aws:policy/AmazonSESFullAccess",
        "managed:arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "managed:arn:aws:iam::123456789012:policy/defined-elsewhere",
    ]
    documents = [d["document"] for d in p["policy_documents"]]
    assert documents[0]["Statement"][0]["Sid"] == "Send"
    assert documents[1]["Statement"][0]["Action"] == ["ses:*"]
    assert documents[2] == Unknown("AWS-managed policy AmazonS3FullAccess is not known to sesguard")
    assert is_unknown(documents[3])
    assert p["attached_policy_names"] == sorted(
        ["ses-send", "AmazonSESFullAccess", "AmazonS3FullAccess", "defined-elsewhere"])


def test_groups_roles_and_policy_attachment(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
resource "aws_iam_user" "a" { name = "a" }
resource "aws_iam_user" "b" { name = "b" }
resource "aws_iam_group" "senders" { name = "senders" }
resource "aws_iam_group_policy" "send" {
  group  = aws_iam_group.senders.name
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ses:SendRawEmail", Resource = "*" }] })
}
resource "aws_iam_group_policy_attachment" "ro" {
  group      = aws_iam_group.senders.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess"
}
resource "aws_iam_group_membership" "m" {
  name  = "m"
  group = aws_iam_group.senders.name
  users = [aws_iam_user.a.name]
}
resource "aws_iam_user_group_membership" "b" {
  user   = aws_iam_user.b.name
  groups = ["senders", "others"]
}
resource "aws_iam_role" "r" {
  name                = "r"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
  inline_policy {
    name   = "inline"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ses:SendEmail", Resource = "*" }] })
  }
}
resource "aws_iam_policy_attachment" "shared" {
  name       = "shared"
  users      = [aws_iam_user.a.name]
  roles      = [aws_iam_role.r.name]
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
""")
    a = props(inv, "aws_iam_user.a")
    assert a["groups"] == ["senders"]
    assert [d["origin"] for d in a["policy_documents"]] == ["managed:arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert a["attached_policy_names"] == ["AmazonSESReadOnlyAccess", "ReadOnlyAccess"]
    assert props(inv, "aws_iam_user.b")["groups"] == ["senders", "others"]
    group = props(inv, "aws_iam_group.senders")
    assert group["principal_type"] == "group"
    assert [d["origin"] for d in group["policy_documents"]] == [
        "inline:aws_iam_group_policy.send", "managed:arn:aws:iam::aws:policy/AmazonSESReadOnlyAccess"]
    role = props(inv, "aws_iam_role.r")
    assert role["principal_type"] == "role"
    assert [d["origin"] for d in role["policy_documents"]] == [
        "inline:inline", "managed:arn:aws:iam::aws:policy/ReadOnlyAccess",
        "managed:arn:aws:iam::aws:policy/AdministratorAccess"]
    assert role["access_keys"] == []


def test_unresolvable_documents_are_unknown(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
variable "policy" {}
resource "aws_iam_user" "u" { name_prefix = "smtp-" }
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.u.name
  policy = var.policy
}
resource "aws_iam_user_policy" "bad" {
  user   = aws_iam_user.u.name
  name   = "bad"
  policy = "not json"
}
""")
    p = props(inv, "aws_iam_user.u")
    assert is_unknown(p["name"])
    assert [d["document"] for d in p["policy_documents"]] == [
        Unknown("var.policy has no default"), Unknown("aws_iam_user_policy.bad policy bad is not valid JSON")]


def test_count_zero_resources_do_not_exist(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
variable "create" { default = false }
variable "unknown_count" {}
resource "aws_iam_user" "off" {
  count = var.create ? 1 : 0
  name  = "off"
}
resource "aws_iam_user" "maybe" {
  count = var.unknown_count
  name  = "maybe"
}
""")
    assert [r.id for r in inv.resources if r.type == "iam_principal"] == ["aws_iam_user.maybe"]


def test_a_deny_whose_actions_are_a_variable_without_default_may_refuse_everything(read_hcl: ReadHcl) -> None:
    inv = read_hcl("""
variable "denied_actions" { type = list(string) }
data "aws_iam_policy_document" "ses" {
  statement {
    actions   = ["ses:*"]
    resources = ["*"]
  }
  statement {
    effect    = "Deny"
    actions   = var.denied_actions
    resources = ["*"]
  }
}
resource "aws_iam_user" "u" { name = "mailer" }
resource "aws_iam_access_key" "k" { user = aws_iam_user.u.name }
resource "aws_iam_user_policy" "p" {
  user   = aws_iam_user.u.name
  policy = data.aws_iam_policy_document.ses.json
}
""")
    inv = derive(inv)
    p = props(inv, "aws_iam_user.u")
    # It may deny every send action (not sending) or nothing (ses:* beyond send): neither is a guess.
    assert is_unknown(p["is_sending"]) and "Deny" in p["is_sending"].reason
    assert is_unknown(p["actions_beyond_send"])
