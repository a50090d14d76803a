from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from jahesh.accounts.scoping import Area
from jahesh.core.errors import InvalidInput
from jahesh.projects import selectors, services
from jahesh.projects.models import Project, ProjectFunding
from jahesh.reports.figures import kpi_value
from jahesh.volunteers.models import Skill

R = ProjectFunding.Role


def test_it_sums_funding_by_role_cash_and_in_kind(make_project):
    project = make_project()
    services.funding_add(project=project, role=R.GOVERNMENT, amount_rial=600_000_000)
    services.funding_add(project=project, role=R.CHARITY, amount_rial=250_000_000)
    services.funding_add(project=project, role=R.CHARITY, amount_rial=50_000_000)
    services.funding_add(project=project, role=R.IN_KIND, amount_rial=100_000_000)
    summary = selectors.project_funding_summary(project=project)
    assert summary.by_role == {
        R.GOVERNMENT: 600_000_000,
        R.CHARITY: 300_000_000,
        R.IN_KIND: 100_000_000,
    }
    assert (summary.cash_rial, summary.in_kind_rial, summary.total_rial) == (
        900_000_000,
        100_000_000,
        1_000_000_000,
    )
    assert selectors.project_value_rial(project=project) == 1_000_000_000
    assert selectors.project_values([project.pk]) == {project.pk: 1_000_000_000}


def test_it_values_volunteer_labour_at_the_skill_rate_and_counts_it_in_kind(make_project):
    from jahesh.volunteers.models import Skill

    builder = Skill.objects.create(name="بنا", name_key="بنا", hourly_rate_rial=1_500_000)
    project = make_project()
    row = services.funding_add_volunteer_labour(
        project=project, hours=Decimal("120.5"), skill=builder
    )
    assert row.amount_rial == 180_750_000
    assert (row.role, row.labour_hours, row.labour_skill) == (
        R.VOLUNTEER_LABOUR,
        Decimal("120.5"),
        builder,
    )
    # A later rate change leaves the recorded value as it was.
    Skill.objects.filter(pk=builder.pk).update(hourly_rate_rial=3_000_000)
    summary = selectors.project_funding_summary(project=project)
    assert (summary.in_kind_rial, summary.total_rial) == (180_750_000, 180_750_000)


@pytest.mark.parametrize("amount", [0, -5])
def test_it_refuses_a_non_positive_amount(make_project, amount):
    with pytest.raises(InvalidInput) as exc:
        services.funding_add(project=make_project(), role=R.CHARITY, amount_rial=amount)
    assert exc.value.field == "amount_rial"


def test_it_counts_completed_projects_and_their_value_in_the_period(make_project):
    done = make_project(status=Project.Status.COMPLETED)  # ended 2025-05-02 in Arak
    services.funding_add(project=done, role=R.GOVERNMENT, amount_rial=700)
    services.funding_add(project=done, role=R.IN_KIND, amount_rial=300)
    running = make_project(village_id=2, status=Project.Status.IN_PROGRESS)
    services.funding_add(project=running, role=R.GOVERNMENT, amount_rial=10_000)
    markazi = Area(province_id=28)
    may = (datetime.date(2025, 5, 1), datetime.date(2025, 5, 3))
    assert kpi_value("projects_completed", area=markazi, start=may[0], end=may[1]) == 1
    assert kpi_value("projects_value_rial", area=markazi, start=may[0], end=may[1]) == 1000
    assert list(
        selectors.kpi_projects_value_rial_records(
            area=markazi, start=may[0], end=may[1]
        ).values_list("pk", "value_rial")
    ) == [(done.pk, 1000)]
    # Half-open: a period ending on the end date leaves it out.
    assert (
        kpi_value("projects_completed", area=markazi, start=may[0], end=datetime.date(2025, 5, 2))
        == 0
    )
    assert (
        kpi_value(
            "projects_value_rial",
            area=Area(province_id=28, county_id=236),
            start=may[0],
            end=may[1],
        )
        == 0
    )


def test_funding_record_takes_labour_by_hours_and_skill_and_cash_by_amount(make_project):
    mason = Skill.objects.create(name="بنا", name_key="بنا", hourly_rate_rial=1_000_000)
    project = make_project()
    labour = services.funding_record(
        project=project, role=R.VOLUNTEER_LABOUR, labour_hours=Decimal(3), labour_skill=mason
    )
    cash = services.funding_record(project=project, role=R.CHARITY, amount_rial=250)
    assert (labour.role, labour.amount_rial, cash.role, cash.amount_rial) == (
        R.VOLUNTEER_LABOUR,
        3_000_000,
        R.CHARITY,
        250,
    )
    with pytest.raises(InvalidInput) as exc:
        services.funding_record(project=project, role=R.VOLUNTEER_LABOUR, labour_hours=Decimal(3))
    assert (exc.value.field, str(exc.value.message)) == (
        "labour_hours",
        "ساعت کار و مهارت را وارد کنید.",
    )
    with pytest.raises(InvalidInput) as exc:
        services.funding_record(project=project, role=R.GOVERNMENT)
    assert (exc.value.field, str(exc.value.message)) == ("amount_rial", "مبلغ را وارد کنید.")
    assert ProjectFunding.objects.filter(project=project).count() == 2


def test_the_page_and_the_api_refuse_labour_without_a_skill_alike(
    client_for, api_client_for, users, projects3
):
    arak = projects3["arak"]
    page = client_for(users["projects"]).post(
        reverse("projects:funding_add", args=[arak.pk]),
        {"role": R.VOLUNTEER_LABOUR, "labour_hours": "4"},
    )
    api = api_client_for(users["projects"]).post(
        f"/api/v1/projects/{arak.pk}/funding",
        {"role": R.VOLUNTEER_LABOUR, "labour_hours": 4},
        content_type="application/json",
    )
    assert (page.status_code, api.status_code) == (422, 422)
    assert "ساعت کار و مهارت را وارد کنید." in page.content.decode()
    assert api.json()["errors"][0] == {
        "field": "labour_hours",
        "message": "ساعت کار و مهارت را وارد کنید.",
    }
    assert not ProjectFunding.objects.filter(project=arak).exists()


def test_the_funding_post_records_in_scope_only(client, client_for, users, projects3):
    arak, saveh = projects3["arak"], projects3["saveh"]
    officer = client_for(users["arak"])
    posted = {"role": R.CHARITY, "amount_rial": "2000"}
    done = officer.post(reverse("projects:funding_add", args=[arak.pk]), posted)
    assert (done.status_code, done["Location"]) == (302, reverse("projects:detail", args=[arak.pk]))
    assert officer.post(reverse("projects:funding_add", args=[saveh.pk]), posted).status_code == 404
    anonymous = client.post(reverse("projects:funding_add", args=[arak.pk]), posted)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert list(ProjectFunding.objects.values_list("project_id", "role")) == [(arak.pk, R.CHARITY)]
