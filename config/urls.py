from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Quản trị hệ thống phát triển đảng viên"
admin.site.site_title = "Quản trị"
admin.site.index_title = "Dữ liệu"

urlpatterns = [
    path("quan-tri/", admin.site.urls),
    path("ke-hoach/", include("planning.urls")),
    path("quan-chung/", include("candidates.urls")),
    path("bao-cao/", include("reports.urls")),
    path("", include("organizations.urls")),
]

handler400 = "config.error_views.bad_request"
handler403 = "config.error_views.permission_denied"
handler404 = "config.error_views.page_not_found"
handler500 = "config.error_views.server_error"
