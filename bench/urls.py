from django.http import HttpResponse
from django.urls import path

from config.urls import urlpatterns as site


def floor(request):
    """The cheapest page Django can serve through the same middleware: the benchmarks' floor."""
    return HttpResponse("floor")


urlpatterns = [path("bench/floor/", floor), *site]
