"""`fapiao query`: the operator's look-up over one organisation's invoices."""

from __future__ import annotations

import json

import pytest

from fapiao.cli import main


@pytest.fixture
def recorded(users, make_invoices):
    return make_invoices(5, submitter=users["submitter"])


def test_query_by_number_prints_the_invoice_in_a_table(recorded, capsys) -> None:
    target = recorded[2]

    assert main(["query", "--number", target.invoice_number]) == 0

    out = capsys.readouterr().out
    header, rule, *rows = out.strip().splitlines()[:3]
    assert header.split()[:3] == ["编号", "发票代码", "发票号码"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert len(rows) == 1
    assert target.invoice_number in rows[0] and target.seller_name[:10] in rows[0]
    assert "显示 1 张发票" in out
    # Every other invoice stays out of the answer.
    for other in recorded:
        if other.invoice_number != target.invoice_number:
            assert other.invoice_number not in out


def test_query_json_lines_parse_and_carry_the_fields(recorded, capsys) -> None:
    target = recorded[0]

    assert main(["query", "--number", target.invoice_number, "--json"]) == 0

    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert row["id"] == target.pk
    assert row["invoice_number"] == target.invoice_number
    assert row["total_amount"] == f"{target.total_amount:.2f}"
    assert row["issue_date"] == target.issue_date.isoformat()
    assert row["seller_name"] == target.seller_name


def test_query_sorts_and_limits(recorded, capsys) -> None:
    assert main(["query", "--json", "--sort", "total_amount", "--limit", "3"]) == 0

    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    expected = sorted(recorded, key=lambda i: (i.total_amount, i.pk))[:3]
    assert [r["id"] for r in rows] == [i.pk for i in expected]


def test_query_filters_by_date_range(recorded, capsys) -> None:
    day = sorted(i.issue_date for i in recorded)[2]

    assert main(["query", "--json", "--date-from", day.isoformat()]) == 0

    ids = {json.loads(line)["id"] for line in capsys.readouterr().out.splitlines()}
    assert ids == {i.pk for i in recorded if i.issue_date >= day}


def test_nothing_found_is_said_plainly(recorded, capsys) -> None:
    assert main(["query", "--number", "99999999"]) == 0

    assert "没有找到符合条件的发票" in capsys.readouterr().out


def test_with_two_organisations_the_org_must_be_named(recorded, other_org, capsys) -> None:
    assert main(["query", "--number", recorded[0].invoice_number]) != 0
    assert "请用 --org 指定" in capsys.readouterr().err

    assert main(["query", "--org", other_org.name, "--number", recorded[0].invoice_number]) == 0
    assert "没有找到" in capsys.readouterr().out

    org_name = recorded[0].organisation.name
    assert main(["query", "--org", org_name, "--number", recorded[0].invoice_number]) == 0
    assert recorded[0].invoice_number in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date-from", "2026/13/01"], "无法识别"),
        (["--sort", "seller"], "不支持按 seller 排序"),
        (["--tax-status", "gone"], "发票状态“gone”无法识别"),
        (["--limit", "0"], "--limit 必须在 1 到 500 之间"),
        (["--org", "不存在的公司"], "组织“不存在的公司”不存在"),
    ],
)
def test_bad_options_are_explained(recorded, capsys, args: list[str], message: str) -> None:
    assert main(["query", *args]) != 0

    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.django_db
def test_without_any_organisation_it_says_how_to_make_one(capsys) -> None:
    assert main(["query"]) != 0
    assert "fapiao demo" in capsys.readouterr().err
