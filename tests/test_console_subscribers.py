"""The console's subscribers: the list (search, state, screens of fifty), adding one by
hand, resending a verification, reactivating, removing, and the CSV export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from flask_statuspages.models import NotificationEvent, Subscriber, utcnow

from .conftest import PREFIX
from .console_audience_support import CONSOLE, CROSS_SITE, OPERATOR, STRANGER, count, follow


@pytest.fixture
def page(api: Any) -> dict[str, Any]:
    return api.make_page(name="Acme")


def subscribe(
    api: Any, page: dict[str, Any], verified: bool = False, **body: Any
) -> dict[str, Any]:
    subscriber = api.make_subscriber(page["id"], **body)
    if verified:
        token = subscriber["verify_token"]
        assert (
            api.client.get(f"{PREFIX}/{page['id']}/subscribers/verify/{token}").status_code == 200
        )
    return subscriber  # type: ignore[no-any-return]


def quarantine(app: Flask, subscriber_id: str) -> None:
    session = app.extensions["statuspages"].db.session
    with app.app_context():
        session.execute(
            update(Subscriber)
            .where(Subscriber.id == subscriber_id)
            .values(verified_at=utcnow(), quarantined_at=utcnow(), failure_streak=10)
        )
        session.commit()
        session.remove()


def screen(app: Flask, page: dict[str, Any], query: str = "") -> Any:
    return app.test_client().get(
        f"{CONSOLE}/pages/{page['id']}/subscribers{query}", headers=OPERATOR
    )


# ------------------------------------------------------------------ the list


def test_the_list_shows_each_subscriber_with_its_state_and_components(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    api_component = api.make_component(page["id"], name="Checkout API")
    subscribe(api, page, email="pending@example.org", component_ids=[api_component["id"]])
    subscribe(api, page, verified=True, webhook_url="https://hooks.example.com/a")
    html = screen(app, page).get_data(as_text=True)
    assert "pending@example.org" in html and "https://hooks.example.com/a" in html
    assert "Checkout API" in html
    assert '<span class="status pending">Pending</span>' in html
    assert '<span class="status verified">Verified</span>' in html
    assert "Resend verification" in html  # for the pending one only
    assert html.count("Resend verification</button>") + html.count("Resend verification<span") == 1


def test_search_and_state_narrow_the_list(app: Flask, api: Any, page: dict[str, Any]) -> None:
    subscribe(api, page, email="alice@acme.example")
    subscribe(api, page, verified=True, email="bob@acme.example")
    subscribe(api, page, email="carol@other.example")
    html = screen(app, page, "?q=ACME.example").get_data(as_text=True)
    assert "alice@" in html and "bob@" in html and "carol@" not in html
    html = screen(app, page, "?q=acme&state=verified").get_data(as_text=True)
    assert "bob@" in html and "alice@" not in html
    html = screen(app, page, "?q=%25").get_data(as_text=True)  # LIKE's wildcard is text here
    assert "No subscriber matches." in html


def test_an_unknown_state_is_refused_beside_its_field(app: Flask, page: dict[str, Any]) -> None:
    response = screen(app, page, "?state=gone")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="error-state"' in html and 'aria-invalid="true"' in html


def test_the_list_comes_fifty_a_screen(app: Flask, api: Any, page: dict[str, Any]) -> None:
    for number in range(55):
        subscribe(api, page, email=f"user{number:02d}@example.org")
    first = screen(app, page).get_data(as_text=True)
    assert "user00@" in first and "user49@" in first and "user50@" not in first
    assert "Showing 1–50 of 55." in first and 'rel="next"' in first
    second = screen(app, page, "?page=2").get_data(as_text=True)
    assert "user50@" in second and "user54@" in second and "user49@" not in second
    assert "Showing 51–55 of 55." in second and 'rel="prev"' in second
    assert "user54@" in screen(app, page, "?page=99").get_data(as_text=True)


def test_another_owners_subscribers_are_not_found(app: Flask, api: Any) -> None:
    theirs = api.as_owner("globex").make_page(name="Globex")
    subscriber = api.as_owner("globex").make_subscriber(theirs["id"], email="x@globex.example")
    client = app.test_client()
    base = f"{CONSOLE}/pages/{theirs['id']}/subscribers"
    for path in ("", ".csv", "/new", f"/{subscriber['id']}/delete"):
        response = client.get(base + path, headers=OPERATOR)
        assert response.status_code == 404, path
        assert "x@globex.example" not in response.get_data(as_text=True)
    for action in ("resend", "reactivate", "delete"):
        response = client.post(f"{base}/{subscriber['id']}/{action}", headers=OPERATOR)
        assert response.status_code == 404, action
    assert count(app, Subscriber, page_id=theirs["id"]) == 1


def test_a_subscriber_of_another_page_of_the_operator_is_not_found(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    other = api.make_page(name="Other")
    subscriber = subscribe(api, other, email="o@example.org")
    path = f"{CONSOLE}/pages/{page['id']}/subscribers/{subscriber['id']}/delete"
    assert app.test_client().post(path, headers=OPERATOR).status_code == 404
    assert count(app, Subscriber, id=subscriber["id"]) == 1


# ----------------------------------------------------------- adding by hand


def test_a_subscriber_is_added_by_hand_and_sent_a_verification(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    component = api.make_component(page["id"], name="API")
    client = app.test_client()
    response = client.post(
        f"{CONSOLE}/pages/{page['id']}/subscribers/new",
        data={"email": "new@example.org", "webhook_url": "", "component_ids[]": [component["id"]]},
        headers=OPERATOR,
    )
    html = follow(client, response)
    assert "new@example.org was added; a verification message is on its way." in html
    assert count(app, Subscriber, page_id=page["id"], email="new@example.org") == 1
    assert count(app, NotificationEvent, page_id=page["id"], kind="subscription.verify") == 1
    listed = api.get(f"/{page['id']}/subscribers").json["data"]
    assert listed[0]["component_ids"] == [component["id"]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "", "webhook_url": ""}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": "a@example.org", "webhook_url": "https://hooks.example.com/x"}, "webhook_url"),
        ({"webhook_url": "http://127.0.0.1/hook"}, "webhook_url"),
        ({"email": "a@example.org", "component_ids[]": ["not-on-the-page"]}, "component_ids"),
    ],
)
def test_a_bad_subscriber_comes_back_with_its_error_and_writes_nothing(
    app: Flask, page: dict[str, Any], data: dict[str, Any], field: str
) -> None:
    response = app.test_client().post(
        f"{CONSOLE}/pages/{page['id']}/subscribers/new", data=data, headers=OPERATOR
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please correct the fields marked below." in html
    assert f'id="error-{field}"' in html or ('class="field-error"' in html and field in html)
    assert count(app, Subscriber) == 0


def test_a_known_address_is_a_conflict_shown_on_the_form(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    subscribe(api, page, email="known@example.org")
    response = app.test_client().post(
        f"{CONSOLE}/pages/{page['id']}/subscribers/new",
        data={"email": "known@example.org"},
        headers=OPERATOR,
    )
    assert response.status_code == 422
    assert "already subscribed" in response.get_data(as_text=True)
    assert count(app, Subscriber) == 1


# ---------------------------------------------- resend, reactivate, remove


def test_resending_a_verification_records_a_new_message_and_keeps_the_search(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    subscriber = subscribe(api, page, email="late@example.org")
    client = app.test_client()
    response = client.post(
        f"{CONSOLE}/pages/{page['id']}/subscribers/{subscriber['id']}/resend",
        data={"_q": "late", "_state": "pending", "_page": "1"},
        headers=OPERATOR,
    )
    assert response.headers["Location"].endswith("/subscribers?q=late&state=pending&page=1")
    assert "A new verification message was sent to late@example.org." in follow(client, response)
    assert (
        count(app, NotificationEvent, kind="subscription.verify", subscriber_id=subscriber["id"])
        == 2
    )


def test_resending_to_a_verified_subscriber_is_refused_and_says_why(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    subscriber = subscribe(api, page, verified=True, email="done@example.org")
    response = app.test_client().post(
        f"{CONSOLE}/pages/{page['id']}/subscribers/{subscriber['id']}/resend", headers=OPERATOR
    )
    assert response.status_code == 409
    assert "already verified" in response.get_data(as_text=True)
    assert count(app, NotificationEvent, kind="subscription.verify") == 1


def test_a_quarantined_subscriber_is_reactivated(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    subscriber = subscribe(api, page, webhook_url="https://hooks.example.com/q")
    quarantine(app, subscriber["id"])
    assert "Reactivate" in screen(app, page, "?state=quarantined").get_data(as_text=True)
    client = app.test_client()
    response = client.post(
        f"{CONSOLE}/pages/{page['id']}/subscribers/{subscriber['id']}/reactivate", headers=OPERATOR
    )
    assert "https://hooks.example.com/q receives notifications again." in follow(client, response)
    assert count(app, Subscriber, id=subscriber["id"], quarantined_at=None) == 1


def test_reactivating_one_not_quarantined_is_refused(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    subscriber = subscribe(api, page, email="fine@example.org")
    response = app.test_client().post(
        f"{CONSOLE}/pages/{page['id']}/subscribers/{subscriber['id']}/reactivate", headers=OPERATOR
    )
    assert response.status_code == 409
    assert "not quarantined" in response.get_data(as_text=True)


def test_removing_asks_first_then_removes(app: Flask, api: Any, page: dict[str, Any]) -> None:
    subscriber = subscribe(api, page, email="bye@example.org")
    client = app.test_client()
    path = f"{CONSOLE}/pages/{page['id']}/subscribers/{subscriber['id']}/delete"
    asked = client.get(path, headers=OPERATOR).get_data(as_text=True)
    assert "Remove bye@example.org?" in asked and f'action="{path}"' in asked
    assert count(app, Subscriber) == 1
    assert "bye@example.org was removed." in follow(client, client.post(path, headers=OPERATOR))
    assert count(app, Subscriber) == 0


# ------------------------------------------------------------------ the CSV


def csv_rows(response: Any) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_the_csv_lists_every_subscriber_without_secrets(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    component = api.make_component(page["id"], name="API")
    email = subscribe(
        api, page, verified=True, email="a@example.org", component_ids=[component["id"]]
    )
    hook = subscribe(api, page, webhook_url="https://hooks.example.com/h")
    for number in range(60):  # more than a screen: the file has them all
        subscribe(api, page, email=f"bulk{number}@example.org")
    response = app.test_client().get(
        f"{CONSOLE}/pages/{page['id']}/subscribers.csv", headers=OPERATOR
    )
    rows = csv_rows(response)
    assert rows[0] == [
        "id",
        "channel",
        "address",
        "state",
        "components",
        "created_at",
        "verified_at",
    ]
    by_id = {row[0]: row for row in rows[1:]}
    assert len(by_id) == 62
    assert by_id[email["id"]][1:5] == ["email", "a@example.org", "verified", "API"]
    assert by_id[email["id"]][6].endswith("Z")
    assert by_id[hook["id"]][1:5] == ["webhook", "https://hooks.example.com/h", "pending", ""]
    assert hook["secret"] not in response.get_data(as_text=True)


def test_the_csv_follows_the_search(app: Flask, api: Any, page: dict[str, Any]) -> None:
    subscribe(api, page, email="keep@acme.example")
    subscribe(api, page, email="drop@other.example")
    response = app.test_client().get(
        f"{CONSOLE}/pages/{page['id']}/subscribers.csv?q=acme", headers=OPERATOR
    )
    assert [row[2] for row in csv_rows(response)[1:]] == ["keep@acme.example"]


def test_the_csv_is_safe_to_open_in_a_spreadsheet(
    app: Flask, api: Any, page: dict[str, Any]
) -> None:
    for name in ("=HYPERLINK(1)", "+SUM(1)", "-2+3", "@cmd", "Plain"):
        component = api.make_component(page["id"], name=name)
        subscribe(
            api, page, email=f"c{component['id'][:6]}@example.org", component_ids=[component["id"]]
        )
    subscribe(api, page, email="-dash@example.org")
    response = app.test_client().get(
        f"{CONSOLE}/pages/{page['id']}/subscribers.csv", headers=OPERATOR
    )
    cells = [cell for row in csv_rows(response)[1:] for cell in row]
    assert {"'=HYPERLINK(1)", "'+SUM(1)", "'-2+3", "'@cmd", "Plain", "'-dash@example.org"} <= set(
        cells
    )
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


# ------------------------------------------------------------- cross-site


@pytest.mark.parametrize("action", ["new", "resend", "reactivate", "delete"])
def test_a_form_from_another_site_is_refused_and_writes_nothing(
    app: Flask, api: Any, page: dict[str, Any], action: str
) -> None:
    subscriber = subscribe(api, page, email="target@example.org")
    quarantine(app, subscriber["id"]) if action == "reactivate" else None
    base = f"{CONSOLE}/pages/{page['id']}/subscribers"
    path = f"{base}/new" if action == "new" else f"{base}/{subscriber['id']}/{action}"
    events = count(app, NotificationEvent)
    response = app.test_client().post(path, data={"email": "evil@example.org"}, headers=CROSS_SITE)
    assert response.status_code == 403
    assert count(app, Subscriber) == 1
    assert count(app, Subscriber, quarantined_at=None) == (0 if action == "reactivate" else 1)
    assert count(app, NotificationEvent) == events


def test_the_list_needs_an_operator(app: Flask, page: dict[str, Any]) -> None:
    assert app.test_client().get(f"{CONSOLE}/pages/{page['id']}/subscribers").status_code == 401
    response = app.test_client().get(
        f"{CONSOLE}/pages/{page['id']}/subscribers.csv", headers=STRANGER
    )
    assert response.status_code == 404
