import factory.random
import pytest
from django.core.management import call_command

from archive import health
from archive.models import Region


@pytest.fixture(autouse=True)
def reproducible_factories(request):
    """Each test draws the same "random" Chinese text on every run."""
    factory.random.reseed_random(request.node.nodeid)


@pytest.fixture(autouse=True)
def closed_breaker():
    """A test that lost the database leaves the next test a working site."""
    yield
    health.breaker.reset()


@pytest.fixture
def region():
    """Look up a region of the Zhejiang gazetteer (loaded by a data migration) by code."""
    return lambda code: Region.objects.get(code=code)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)


@pytest.fixture
def editor(db, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("bianji", password="a-long-test-passphrase")
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="archive"))
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
