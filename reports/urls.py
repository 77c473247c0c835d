from django.urls import path

from . import views

urlpatterns = [
    path("to-chuc/<int:pk>/", views.dashboard, name="dashboard"),
    path("to-chuc/<int:pk>/dien-bien/", views.dashboard_flow, name="dashboard_flow"),
    path("to-chuc/<int:pk>/canh-bao/", views.dashboard_flags, name="dashboard_flags"),
    path("to-chuc/<int:pk>/xuat/<slug:table>/", views.dashboard_export, name="dashboard_export"),
    path("van-ban/yeu-cau/", views.document_request, name="document_request"),
    path("van-ban/<int:pk>/", views.document_detail, name="document_detail"),
    path("van-ban/<int:pk>/trang-thai/", views.document_status, name="document_status"),
    path("van-ban/<int:pk>/tai-ve/", views.document_download, name="document_download"),
    path("van-ban/<int:pk>/tao-lai/", views.document_retry, name="document_retry"),
    path("ke-hoach/<int:pk>/van-ban/", views.plan_documents, name="plan_documents"),
    path("ban-ky/<int:pk>/", views.signed_copy_download, name="signed_copy_download"),
    path("to-chuc/<int:pk>/cong-van/", views.letter_list, name="letter_list"),
    path("to-chuc/<int:pk>/cong-van/them/", views.letter_create, name="letter_create"),
    path("cong-van/<int:pk>/", views.letter_detail, name="letter_detail"),
]
