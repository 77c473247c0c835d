from django.urls import path

from . import views

urlpatterns = [
    path("", views.plan_home, name="plan_home"),
    path("to-chuc/<int:pk>/", views.plan_list, name="plan_list"),
    path("to-chuc/<int:pk>/tao/", views.plan_create, name="plan_create"),
    path("to-chuc/<int:pk>/nhiem-ky/", views.plan_terms, name="plan_terms"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/sua/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/noi-dung/", views.plan_sections, name="plan_sections"),
    path("<int:pk>/chi-tieu/", views.plan_targets, name="plan_targets"),
    path("chi-tieu/<int:pk>/sua/", views.plan_target_edit, name="plan_target_edit"),
    path("chi-tieu/<int:pk>/xoa/", views.plan_target_delete, name="plan_target_delete"),
    path("<int:pk>/phan-bo/", views.allocation_grid, name="allocation_grid"),
    path("<int:pk>/phan-bo/them-cot/", views.allocation_column_add, name="allocation_column_add"),
    path("<int:pk>/phan-bo/xuat/", views.allocation_export, name="allocation_export"),
    path("<int:pk>/phan-bo/nhap/", views.allocation_import, name="allocation_import"),
    path("<int:pk>/ban-hanh/", views.plan_issue, name="plan_issue"),
    path("<int:pk>/sua-doi/", views.plan_amend, name="plan_amend"),
    path("<int:pk>/lich-su/", views.plan_history, name="plan_history"),
    path("<int:pk>/de-xuat/", views.proposal_list, name="proposal_list"),
    path("<int:pk>/de-xuat/tao/", views.proposal_request_create, name="proposal_request_create"),
    path("de-xuat/<int:pk>/gui/", views.proposal_submit, name="proposal_submit"),
    path("de-xuat/<int:pk>/chot/", views.proposal_decide, name="proposal_decide"),
    path("dot-de-xuat/<int:pk>/chot-tat-ca/", views.proposal_accept_all, name="proposal_accept_all"),
]
