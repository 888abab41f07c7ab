"""Login protection of the admin: lockout after repeated failures (django-axes), strong passwords.

Every login here goes through the real admin login page with the test client, as a
browser would; "logged in" means the admin index opens.
"""

import runpy
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

PASSWORD = "a-long-test-passphrase"
OFFICE = "198.51.100.7"
HOME = "203.0.113.9"
LOCKED = 429


@pytest.fixture
def staff(db, django_user_model):
    def make(username):
        return django_user_model.objects.create_user(
            username, password=PASSWORD, is_staff=True, is_superuser=True
        )

    return make


@pytest.fixture
def bianji(staff):
    return staff("bianji")


def log_in(username, password, **extra):
    """A fresh browser posting the admin login form; returns it and the response."""
    browser = Client()
    response = browser.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        **extra,
    )
    return browser, response


def is_logged_in(browser):
    return browser.get(reverse("admin:index")).status_code == 200


def fail(username, times, **extra):
    responses = [log_in(username, "wrong-password", **extra)[1] for _ in range(times)]
    return responses[-1]


def assert_logs_in(username, **extra):
    browser, response = log_in(username, PASSWORD, **extra)
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("admin:index")
    assert is_logged_in(browser)


def assert_locked_out(username, **extra):
    browser, response = log_in(username, PASSWORD, **extra)
    assert response.status_code == LOCKED
    assert "登录失败次数过多" in response.content.decode()
    assert not is_logged_in(browser)


def test_the_configured_rule():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 30 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_wrong_passwords_below_the_limit_only_show_the_form_again(bianji):
    response = fail("bianji", settings.AXES_FAILURE_LIMIT - 1, REMOTE_ADDR=OFFICE)

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert_logs_in("bianji", REMOTE_ADDR=OFFICE)


def test_after_the_limit_the_right_password_is_refused_from_that_address(bianji):
    last = fail("bianji", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)

    assert last.status_code == LOCKED
    assert "分钟后再试" in last.content.decode()
    assert_locked_out("bianji", REMOTE_ADDR=OFFICE)


def test_the_lock_holds_one_username_at_one_address(staff):
    staff("bianji")
    staff("zhubian")
    fail("bianji", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)

    assert_locked_out("bianji", REMOTE_ADDR=OFFICE)
    assert_logs_in("bianji", REMOTE_ADDR=HOME)  # same editor, another address
    assert_logs_in("zhubian", REMOTE_ADDR=OFFICE)  # another editor, same address


def test_the_lock_expires_after_the_cool_off(bianji):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        fail("bianji", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)

    # Trying again while locked is refused and does not extend the lock.
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME / 2, tick=False):
        assert_locked_out("bianji", REMOTE_ADDR=OFFICE)

    with time_machine.travel(start + settings.AXES_COOLOFF_TIME - timedelta(seconds=5)):
        assert_locked_out("bianji", REMOTE_ADDR=OFFICE)

    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + timedelta(seconds=5)):
        assert_logs_in("bianji", REMOTE_ADDR=OFFICE)


def test_a_successful_login_resets_the_failure_count(bianji):
    fail("bianji", settings.AXES_FAILURE_LIMIT - 1, REMOTE_ADDR=OFFICE)
    assert_logs_in("bianji", REMOTE_ADDR=OFFICE)

    response = fail("bianji", settings.AXES_FAILURE_LIMIT - 1, REMOTE_ADDR=OFFICE)

    assert response.status_code == 200
    assert_logs_in("bianji", REMOTE_ADDR=OFFICE)


def test_an_administrator_unlocks_an_editor(bianji):
    fail("bianji", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)
    assert_locked_out("bianji", REMOTE_ADDR=OFFICE)

    call_command("axes_reset_username", "bianji", verbosity=0)

    assert_logs_in("bianji", REMOTE_ADDR=OFFICE)


def test_an_administrator_unlocks_an_editor_in_the_admin(staff):
    staff("bianji")
    fail("bianji", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)
    admin, _ = log_in(staff("zhubian").username, PASSWORD, REMOTE_ADDR=HOME)
    attempts = reverse("admin:axes_accessattempt_changelist")
    listed = admin.get(attempts, {"q": "bianji"}).context["cl"].result_list

    response = admin.post(
        attempts,
        {
            "action": "delete_selected",
            "_selected_action": [a.pk for a in listed],
            "post": "yes",
        },
        REMOTE_ADDR=HOME,
    )

    assert response.status_code == 302
    assert_logs_in("bianji", REMOTE_ADDR=OFFICE)


def test_without_a_proxy_a_forged_forwarded_for_header_changes_nothing(bianji):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail("bianji", 1, REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")

    assert_locked_out("bianji", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR="192.0.2.200")


@pytest.fixture
def behind_one_proxy(settings, monkeypatch):
    """The settings base.py derives from DJANGO_REVERSE_PROXIES=1 (one nginx in front)."""
    monkeypatch.setenv("DJANGO_REVERSE_PROXIES", "1")
    derived = runpy.run_path(str(settings.BASE_DIR / "config" / "settings" / "base.py"))
    for name in ("AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT", "IPWARE_STRICT"):
        setattr(settings, name, derived[name])
    assert settings.AXES_IPWARE_PROXY_COUNT == 0


NGINX = "127.0.0.1"


def via_nginx(client_address, forged=None):
    """What Django receives from nginx: it appends the address it saw to X-Forwarded-For."""
    chain = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": NGINX, "HTTP_X_FORWARDED_FOR": chain}


def test_behind_a_proxy_the_lock_follows_the_client_not_the_proxy(behind_one_proxy, bianji):
    fail("bianji", settings.AXES_FAILURE_LIMIT, **via_nginx(OFFICE))

    assert_locked_out("bianji", **via_nginx(OFFICE))
    assert_logs_in("bianji", **via_nginx(HOME))


def test_behind_a_proxy_a_forged_forwarded_for_header_does_not_escape_the_lock(
    behind_one_proxy, bianji
):
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail("bianji", 1, **via_nginx(OFFICE, forged=f"192.0.2.{n + 1}"))

    assert_locked_out("bianji", **via_nginx(OFFICE, forged="192.0.2.200"))
    assert_locked_out("bianji", **via_nginx(OFFICE))
    assert_logs_in("bianji", **via_nginx(HOME, forged=OFFICE))


# --- strong passwords -----------------------------------------------------------------


@pytest.mark.parametrize(
    "weak",
    [
        "Xq7#kd9!Lp2",  # 11 characters: enough for Django's default of 8, not for 12
        "password1234",  # common
        "123456789012",  # only digits
    ],
)
def test_weak_passwords_are_refused(bianji, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, bianji)


def test_a_long_uncommon_password_is_accepted_and_works(bianji, staff):
    zhubian = staff("zhubian")
    browser = Client()
    browser.force_login(bianji)
    url = reverse("admin:auth_user_password_change", args=[zhubian.pk])
    strong = "qiantang-tide-lantern-42"

    response = browser.post(
        url, {"usable_password": "true", "password1": strong, "password2": strong}
    )

    assert response.status_code == 302  # saved, back to the user's page
    browser, response = log_in("zhubian", strong)
    assert response.status_code == 302 and is_logged_in(browser)


def test_the_admin_refuses_to_set_a_weak_password(bianji, staff):
    zhubian = staff("zhubian")
    browser = Client()
    browser.force_login(bianji)
    url = reverse("admin:auth_user_password_change", args=[zhubian.pk])

    response = browser.post(
        url, {"usable_password": "true", "password1": "short-pw", "password2": "short-pw"}
    )

    assert response.status_code == 200  # the form again, with the error
    assert "at least 12 characters" in response.content.decode()
    assert_logs_in("zhubian")  # the old password still works

    response = browser.post(
        url,
        {
            "usable_password": "true",
            "password1": "qiantang-tide-lantern-42",
            "password2": "qiantang-tide-lantern-42",
        },
    )
    assert response.status_code == 302
    zhubian.refresh_from_db()
    assert zhubian.check_password("qiantang-tide-lantern-42")


def test_a_member_of_the_administrators_role_unlocks_an_editor_in_chinese(staff):
    from django.contrib.auth.models import Group

    staff("bianji")
    fail("bianji", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=OFFICE)
    chief = staff("zhubian")
    chief.is_superuser = False
    chief.save()
    chief.groups.add(Group.objects.get(name="管理员"))
    admin, _ = log_in(chief.username, PASSWORD, REMOTE_ADDR=HOME)
    attempts = reverse("admin:axes_accessattempt_changelist")

    page = admin.get(attempts, {"q": "bianji"})
    assert page.status_code == 200
    assert "已锁定" in page.content.decode()
    listed = page.context["cl"].result_list
    confirm = admin.post(
        attempts, {"action": "delete_selected", "_selected_action": [a.pk for a in listed]}
    )
    assert "bianji" in confirm.content.decode() and "的登录尝试" in confirm.content.decode()
    admin.post(
        attempts,
        {"action": "delete_selected", "_selected_action": [a.pk for a in listed], "post": "yes"},
        REMOTE_ADDR=HOME,
    )
    assert_logs_in("bianji", REMOTE_ADDR=OFFICE)
