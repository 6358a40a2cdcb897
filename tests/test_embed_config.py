"""The status embed config (seed 002): its routes, the contrast rule, and the public JSON
the widget reads it from (the widget itself, in Chromium: tests/test_browser.py)."""

from __future__ import annotations

from typing import Any

import pytest

from flask_statuspages import ApiError, rules

DEFAULTS = {"page_id": None, **rules.EMBED_DEFAULTS}


def config_of(page: dict[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, "page_id": page["id"]}


# ------------------------------------------------------------ the rule


@pytest.mark.parametrize(
    ("one", "other", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),  # the most there is
        ("#ffffff", "#ffffff", 1.0),  # none
        ("#fff", "#000", 21.0),  # short forms, either order
        ("#777777", "#ffffff", 4.48),  # the classic near miss
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes on white
        ("#b91c1c", "#ffffff", 6.47),  # the incident default
        ("#1d4ed8", "#ffffff", 6.70),  # the maintenance default
    ],
)
def test_contrast_is_wcag_2(one: str, other: str, ratio: float) -> None:
    assert round(rules.contrast(one, other), 2) == ratio
    assert rules.contrast(one, other) == rules.contrast(other, one)


def test_luminance_runs_from_black_to_white() -> None:
    assert rules.luminance("#000000") == 0
    assert rules.luminance("#ffffff") == pytest.approx(1)
    assert rules.luminance("#ff0000") == pytest.approx(0.2126)  # the red coefficient


def test_contrast_errors_name_each_text_colour_below_aa() -> None:
    assert rules.embed_contrast_errors(dict(rules.EMBED_DEFAULTS)) == {}
    config = {
        **rules.EMBED_DEFAULTS,
        "incident_text_color": "#777777",  # 4.48 on white: just below
        "incident_background_color": "#ffffff",
        "maintenance_text_color": "#767676",  # 4.54: just above
        "maintenance_background_color": "#ffffff",
    }
    errors = rules.embed_contrast_errors(config)
    assert list(errors) == ["incident_text_color"]
    assert "4.48:1" in errors["incident_text_color"][0]
    assert "4.5:1" in errors["incident_text_color"][0]


# ------------------------------------------------------------ the routes


def test_a_page_has_the_default_config_until_changed(api) -> None:
    page = api.make_page()
    answer = api.get(f"/{page['id']}/status-embed-config")
    assert answer.status_code == 200
    assert answer.json == config_of(page)


def test_patch_changes_the_fields_given_and_put_sets_the_whole(api) -> None:
    page = api.make_page()
    url = f"/{page['id']}/status-embed-config"
    patched = api.patch(url, json={"position": "top-right", "incident_background_color": "#000"})
    assert patched.status_code == 200, patched.json
    expected = {**config_of(page), "position": "top-right", "incident_background_color": "#000000"}
    assert patched.json == expected
    assert api.get(url).json == expected
    kept = api.patch(url, json={"maintenance_text_color": "#FFFF00"})  # yellow on dark blue
    assert kept.json == {**expected, "maintenance_text_color": "#ffff00"}

    put = api.put(url, json={"position": "top-left"})  # the rest back to defaults
    assert put.status_code == 200
    assert put.json == {**config_of(page), "position": "top-left"}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"position": "middle"}, {"position"}),
        ({"position": "Top-Left"}, {"position"}),
        ({"incident_text_color": "white"}, {"incident_text_color"}),
        ({"incident_background_color": "#ff00000"}, {"incident_background_color"}),
        ({"maintenance_text_color": "#fff\n"}, {"maintenance_text_color"}),
        ({"maintenance_background_color": None}, {"maintenance_background_color"}),
        ({"colour": "#fff"}, {"colour"}),
        ({"position": 3, "incident_text_color": 3}, {"position", "incident_text_color"}),
    ],
)
def test_bad_input_is_422_naming_every_field(api, body, fields) -> None:
    page = api.make_page()
    for method in (api.put, api.patch):
        answer = method(f"/{page['id']}/status-embed-config", json=body)
        assert answer.status_code == 422, answer.json
        assert answer.json["error"]["code"] == "validation_error"
        assert set(answer.json["error"]["fields"]) == fields
    assert api.get(f"/{page['id']}/status-embed-config").json == config_of(page)


def test_text_that_reads_below_aa_is_422_naming_it_and_nothing_changes(api) -> None:
    page = api.make_page()
    url = f"/{page['id']}/status-embed-config"
    # Against the stored background (the default dark red), when none is given.
    answer = api.patch(url, json={"position": "top-left", "incident_text_color": "#b22222"})
    assert answer.status_code == 422
    assert list(answer.json["error"]["fields"]) == ["incident_text_color"]
    # A background that leaves the stored text unreadable names the text colour.
    answer = api.patch(url, json={"maintenance_background_color": "#eeeeee"})
    assert answer.status_code == 422
    assert list(answer.json["error"]["fields"]) == ["maintenance_text_color"]
    both = api.put(
        url,
        json={
            "incident_text_color": "#777777",
            "incident_background_color": "#ffffff",
            "maintenance_text_color": "#ffffff",
            "maintenance_background_color": "#ffff00",
        },
    )
    assert both.status_code == 422
    assert set(both.json["error"]["fields"]) == {"incident_text_color", "maintenance_text_color"}
    assert api.get(url).json == config_of(page)  # nothing of any of them was kept
    fine = api.patch(
        url, json={"maintenance_background_color": "#eeeeee", "maintenance_text_color": "#222"}
    )
    assert fine.status_code == 200


def test_another_owners_page_is_404_and_left_alone(api) -> None:
    page = api.make_page()
    url = f"/{page['id']}/status-embed-config"
    other = api.as_owner("globex")
    assert other.get(url).status_code == 404
    assert other.patch(url, json={"position": "top-left"}).status_code == 404
    assert other.put(url, json={"position": "top-left"}).status_code == 404
    assert api.get(url).json == config_of(page)
    assert api.get("/nope/status-embed-config").status_code == 404


def test_the_public_json_carries_the_config_and_follows_a_change(api) -> None:
    page = api.make_page()
    public = api.get(f"/public/{page['slug']}")
    assert public.json["status_embed_config"] == rules.EMBED_DEFAULTS
    etag = public.headers["ETag"]
    api.patch(f"/{page['id']}/status-embed-config", json={"position": "top-right"})
    again = api.get(f"/public/{page['slug']}", headers={"If-None-Match": etag})
    assert again.status_code == 200  # a new version, not a 304
    assert again.json["status_embed_config"]["position"] == "top-right"


def test_the_widget_script_stays_one_rendering_whatever_the_config(api) -> None:
    """The config travels in the public JSON the widget fetches: the script (cached by
    shared caches for minutes) never holds a stale copy."""
    page = api.make_page()
    script = api.get(f"/public/{page['slug']}/widget.js")
    api.patch(f"/{page['id']}/status-embed-config", json={"position": "top-right"})
    again = api.get(f"/public/{page['slug']}/widget.js")
    assert again.get_data() == script.get_data()
    assert "status_embed_config" in script.get_data(as_text=True)


# -------------------------------------------------------------- Python API


def test_the_python_api_reads_and_changes_the_config(app, ext) -> None:
    with app.app_context():
        page = ext.pages.create("acme", name="Acme Status")
        assert ext.pages.embed_config(page) == rules.EMBED_DEFAULTS
        changed = ext.pages.set_embed_config(page, position="bottom-right")
        assert changed == {**rules.EMBED_DEFAULTS, "position": "bottom-right"}
        with pytest.raises(ApiError) as refused:
            ext.pages.set_embed_config(page, incident_text_color="#c0c0c0")
        assert refused.value.status == 422
        assert list(refused.value.fields or {}) == ["incident_text_color"]
        put = ext.pages.set_embed_config(page, replace=True, position="top-left")
        assert put == {**rules.EMBED_DEFAULTS, "position": "top-left"}
