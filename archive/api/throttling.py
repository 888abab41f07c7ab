from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class ReaderRateThrottle(AnonRateThrottle):
    """Requests per client address, at ``DEFAULT_THROTTLE_RATES["anon"]`` (``API_ANON_RATE``).

    DRF's own class reads the rate once, when it is imported; this one reads it on
    every request, so a changed setting (a test's, say) applies at once.
    """

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
