from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from archive.caching.pages import cached_page
from archive.ops import health
from archive.public import sitemaps

admin.site.site_header = "县志 · 编辑后台"
admin.site.site_title = "县志编辑后台"
admin.site.index_title = "稿件管理"

handler500 = "archive.ops.health.server_error_or_unavailable"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("nested_admin/", include("nested_admin.urls")),
    path("api/", include("archive.api.urls")),
    path("sitemap.xml", cached_page(sitemaps.index), name="sitemap_index"),
    path(
        "sitemap-<slug:section>.xml",
        cached_page(sitemaps.section, reads=("p",)),
        name="sitemap_section",
    ),
    path("", include("archive.public.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
