"""Candidate pages. Ids in URLs, never personal data; search goes by name only."""

from django.urls import path

from . import views

urlpatterns = [
    path("to-chuc/<int:org_pk>/", views.candidate_list, name="candidate_list"),
    path("to-chuc/<int:org_pk>/bang/", views.candidate_board, name="candidate_board"),
    path("to-chuc/<int:org_pk>/them/", views.candidate_add, name="candidate_add"),
    path("to-chuc/<int:org_pk>/nhap/", views.candidate_import, name="candidate_import"),
    path("to-chuc/<int:org_pk>/xuat/", views.candidate_export, name="candidate_export"),
    path("to-chuc/<int:org_pk>/viec-can-lam/", views.due_list, name="due_list"),
    path("to-chuc/<int:org_pk>/ngay-nghi/", views.due_holidays, name="due_holidays"),
    path("to-chuc/<int:org_pk>/ngay-nghi/<int:pk>/xoa/", views.due_holiday_delete, name="due_holiday_delete"),
    path("<int:pk>/", views.candidate_detail, name="candidate_detail"),
    path("<int:pk>/nhay-cam/", views.candidate_sensitive, name="candidate_sensitive"),
    path("<int:pk>/sua/", views.candidate_edit, name="candidate_edit"),
    path("<int:pk>/buoc/<slug:code>/", views.candidate_step, name="candidate_step"),
    path("<int:pk>/dinh-chinh/", views.candidate_correct, name="candidate_correct"),
    path("<int:pk>/chuyen/", views.candidate_transfer, name="candidate_transfer"),
    path("<int:pk>/nguoi/", views.candidate_person_add, name="candidate_person_add"),
    path("<int:pk>/nguoi/<int:person_pk>/thoi/", views.candidate_person_end, name="candidate_person_end"),
    path("<int:pk>/lich-su/", views.candidate_history, name="candidate_history"),
    path("lop/to-chuc/<int:org_pk>/", views.class_list, name="class_list"),
    path("lop/to-chuc/<int:org_pk>/them/", views.class_add, name="class_add"),
    path("lop/<int:pk>/", views.class_detail, name="class_detail"),
    path("lop/<int:pk>/sua/", views.class_edit, name="class_edit"),
    path("lop/<int:pk>/ghi-danh/", views.class_enrol, name="class_enrol"),
    path("lop/<int:pk>/ghi-danh/<int:enrolment_pk>/xoa/", views.class_unenrol, name="class_unenrol"),
    path("lop/<int:pk>/ket-qua/", views.class_results, name="class_results"),
    path("lop/<int:pk>/nhap-ket-qua/", views.class_results_import, name="class_results_import"),
    path("lop/<int:pk>/xuat-ket-qua/", views.class_results_export, name="class_results_export"),
]
