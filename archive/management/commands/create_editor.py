import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "创建（或重置）一个编辑账号，生成随机密码并打印登录方式。"

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    @transaction.atomic
    def handle(self, *args, username, url, **options):
        group = Group.objects.get(name="编辑")  # the editor role, from migration 0011
        user, _ = get_user_model().objects.get_or_create(username=username)
        # A fresh random password every time: never a fixed, well-known one.
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.is_staff = True
        user.save()
        user.groups.add(group)
        self.stdout.write(
            self.style.SUCCESS(
                f"编辑后台：{url}\n用户名：{username}\n密码：{password}\n"
                "（每次运行都会生成新密码；也可以用 `manage.py changepassword` 自行设置。）"
            )
        )
