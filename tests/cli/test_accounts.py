"""`fapiao createuser` and `fapiao token`, run in-process against the test database."""

from __future__ import annotations

import pytest

from fapiao.accounts.models import ApiToken, Organisation, User
from fapiao.accounts.roles import Role
from fapiao.cli import main

GOOD_PASSWORD = "correct-horse-42"


def createuser(*extra: str, role: str = "reviewer", password: str = GOOD_PASSWORD) -> int:
    return main(
        [
            "createuser",
            "--org",
            "北京新星商贸有限公司",
            "--username",
            "lisi",
            "--password",
            password,
            "--role",
            role,
            *extra,
        ]
    )


@pytest.mark.django_db
def test_createuser_creates_the_organisation_department_and_user(capsys) -> None:
    code = createuser("--department", "财务部", "--display-name", "李四", "--email", "li@x.cn")

    assert code == 0
    user = User.objects.get(username="lisi")
    assert user.role == Role.REVIEWER
    assert user.organisation is not None and user.organisation.name == "北京新星商贸有限公司"
    assert user.department is not None and user.department.name == "财务部"
    assert user.display_name == "李四" and user.email == "li@x.cn"
    assert user.check_password(GOOD_PASSWORD)
    assert not user.is_staff and not user.is_superuser
    assert "已创建用户 lisi" in capsys.readouterr().out


@pytest.mark.django_db
def test_createuser_reuses_an_existing_organisation(capsys) -> None:
    org = Organisation.objects.create(name="北京新星商贸有限公司")

    assert createuser() == 0

    assert User.objects.get(username="lisi").organisation == org
    assert Organisation.objects.filter(name="北京新星商贸有限公司").count() == 1


@pytest.mark.django_db
def test_an_organisation_admin_is_not_a_django_superuser(capsys) -> None:
    assert createuser(role="admin") == 0

    user = User.objects.get(username="lisi")
    assert user.role == Role.ADMIN and not user.is_staff and not user.is_superuser


@pytest.mark.django_db
def test_operator_is_a_superuser_outside_every_organisation(capsys) -> None:
    args = ["createuser", "--operator", "--username", "ops", "--password", GOOD_PASSWORD]
    assert main(args) == 0

    user = User.objects.get(username="ops")
    assert user.is_staff and user.is_superuser and user.organisation is None
    assert "安装运维账号" in capsys.readouterr().out
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_operator_cannot_also_belong_to_an_organisation(capsys) -> None:
    assert createuser("--operator") != 0

    assert "不属于任何组织" in capsys.readouterr().err
    assert not User.objects.filter(username="lisi").exists()


@pytest.mark.django_db
def test_an_unknown_role_is_refused_with_the_list_of_roles(capsys) -> None:
    code = createuser(role="boss")

    assert code != 0
    err = capsys.readouterr().err
    assert "角色“boss”不存在" in err
    for role in Role:
        assert role.value in err and role.label in err
    assert "Traceback" not in err
    assert not User.objects.filter(username="lisi").exists()
    assert not Organisation.objects.filter(name="北京新星商贸有限公司").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "reason"),
    [("abc12", "密码太短"), ("12345678901", "全部是数字"), ("password123", "太常见")],
)
def test_a_weak_password_is_refused_in_chinese(capsys, password: str, reason: str) -> None:
    code = createuser(password=password)

    assert code != 0
    err = capsys.readouterr().err
    assert "密码不符合要求" in err and reason in err
    assert "password" not in err.replace(password, "")  # no untranslated English left
    assert not User.objects.filter(username="lisi").exists()


@pytest.mark.django_db
def test_a_taken_username_is_refused(capsys) -> None:
    assert createuser() == 0
    capsys.readouterr()

    assert createuser(role="submitter") != 0
    assert "已被使用" in capsys.readouterr().err
    assert User.objects.get(username="lisi").role == Role.REVIEWER


def test_a_missing_option_says_where_to_look(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["createuser", "--username", "x"])

    assert exit_info.value.code == 2
    assert "fapiao createuser --help" in capsys.readouterr().err


def test_the_printed_token_authenticates_its_user(users, capsys) -> None:
    user = users["finance_admin"]

    assert main(["token", "--username", user.username, "--name", "报表脚本"]) == 0

    out, err = capsys.readouterr()
    raw = out.strip()
    assert "\n" not in raw  # stdout carries the token alone, for $(fapiao token ...)
    assert ApiToken.authenticate(raw) == user
    assert ApiToken.objects.get(user=user).name == "报表脚本"
    assert "只显示这一次" in err and raw not in err


def test_each_call_issues_a_new_token(users, capsys) -> None:
    user = users["submitter"]
    main(["token", "--username", user.username])
    main(["token", "--username", user.username])

    first, second = capsys.readouterr().out.split()
    assert first != second
    assert ApiToken.authenticate(first) == ApiToken.authenticate(second) == user


@pytest.mark.django_db
def test_a_token_for_an_unknown_user_is_refused(capsys) -> None:
    assert main(["token", "--username", "nobody"]) != 0

    out, err = capsys.readouterr()
    assert out == ""
    assert "用户“nobody”不存在" in err and "fapiao createuser" in err
