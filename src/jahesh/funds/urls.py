from __future__ import annotations

from django.urls import path

from jahesh.funds import views

app_name = "funds"

urlpatterns = [
    path("", views.fund_list, name="list"),
    path("calculator/", views.calculator, name="calculator"),
    path("due/", views.due_list, name="due"),
    path("import-template/<str:kind>/", views.import_template, name="import_template"),
    path("<int:pk>/", views.fund_detail, name="detail"),
    path("<int:pk>/reconciliation/", views.fund_reconciliation, name="reconciliation"),
    path("<int:pk>/members/new/", views.member_create, name="member_create"),
    path("<int:pk>/members.xlsx", views.member_export, name="member_export"),
    path("<int:pk>/loans/new/", views.loan_create, name="loan_create"),
    path("<int:pk>/import/<str:kind>/", views.fund_import, name="import"),
    path("<int:pk>/lottery/", views.fund_lottery, name="lottery"),
    path("members/<int:pk>/", views.member_detail, name="member_detail"),
    path("loans/<int:pk>/", views.loan_detail, name="loan_detail"),
    path("loans/<int:pk>/repay/", views.repayment_create, name="repay"),
    path("loans/<int:pk>/verify/", views.verification_create, name="verify"),
    path("loans/<int:pk>/documents/", views.document_create, name="document_create"),
    path(
        "loans/<int:pk>/repayments/<int:repayment_pk>/reverse/",
        views.repayment_reverse,
        name="repayment_reverse",
    ),
    path("loans/<int:pk>/<str:action>/", views.loan_action, name="loan_action"),
]
