"""An import's reason (the unit's history, a status moved by the file) is stored
in Persian and read in the reader's language (``core.phrases.written``), whatever
the language of the importer."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import translation

from jahesh.units.importers import import_units
from jahesh.units.models import Unit

# An English importer writes the choices in English.
FILE = "نام واحد,شهرستان,بخش اقتصادی,وضعیت\nکارگاه نمونه,اراک,Industry,{status}\n"


def _import(user, status: str, name: str):
    data = io.BytesIO(FILE.format(status=status).encode())
    with translation.override("en"):  # an English importer stores the Persian text
        return import_units(data, name, user=user)


def test_an_import_reason_reads_in_the_readers_language(users, client_for):
    _import(users["arak"], "Active", "units.csv")
    _import(users["arak"], "Stalled", "units-v2.csv")  # the status moves through its history
    unit = Unit.objects.get(name="کارگاه نمونه")
    assert unit.history.earliest().history_change_reason == "ورود از پرونده units.csv"
    assert unit.status_changes.get().reason == "ورود از پرونده units-v2.csv"

    client = client_for(users["arak"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/units/{unit.pk}/").content.decode()
    assert "Imported from the file units.csv" in english
    assert "Imported from the file units-v2.csv" in english
    assert "ورود از پرونده" not in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fa"
    persian = client.get(f"/units/{unit.pk}/").content.decode()
    assert "ورود از پرونده units.csv" in persian and "Imported from" not in persian

    assert client_for(users["saveh"]).get(f"/units/{unit.pk}/").status_code == 404
    anonymous = client_for(None).get(f"/units/{unit.pk}/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
