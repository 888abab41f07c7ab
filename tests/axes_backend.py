"""The test suite's axes backend: Django's test ``Client.login`` authenticates with no request."""

from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingClientLogin(AxesStandaloneBackend):
    """Axes as in production, except for ``client.login()``.

    ``Client.login`` calls ``authenticate()`` without a request, and axes refuses that
    (it needs the client's address). No code of the site does so: the admin's login
    form passes its request, so every login through a real URL is still checked.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
