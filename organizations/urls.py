from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, views_auth, views_spreadsheets

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.health, name="health"),
    path("dang-nhap/", views_auth.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("noi-lam-viec/", views.workplace_switch, name="workplace_switch"),
    path("to-chuc/", views.tree, name="tree"),
    path("to-chuc/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("to-chuc/<int:pk>/cay/", views.tree_children, name="tree_children"),
    path("to-chuc/<int:pk>/them/", views.organization_add, name="organization_add"),
    path("to-chuc/<int:pk>/sua/", views.organization_edit, name="organization_edit"),
    path("to-chuc/<int:pk>/chuyen/", views.organization_move, name="organization_move"),
    path("to-chuc/<int:pk>/giai-the/", views.organization_dissolve, name="organization_dissolve"),
    path("to-chuc/<int:pk>/vai-tro/", views.organization_roles, name="organization_roles"),
    path("to-chuc/<int:pk>/so-dang-vien/", views.member_counts, name="member_counts"),
    path("to-chuc/<int:pk>/nhat-ky/", views.audit_log, name="audit_log"),
    path("vai-tro/<int:pk>/thu-hoi/", views.role_revoke, name="role_revoke"),
    path("to-chuc/<int:pk>/nhap-cay/", views_spreadsheets.tree_import, name="tree_import"),
    path("to-chuc/<int:pk>/xuat-cay/", views_spreadsheets.tree_export, name="tree_export"),
    path("to-chuc/<int:pk>/nhap-so-dang-vien/", views_spreadsheets.member_counts_import, name="member_counts_import"),
    path("to-chuc/<int:pk>/xuat-so-dang-vien/", views_spreadsheets.member_counts_export, name="member_counts_export"),
]
