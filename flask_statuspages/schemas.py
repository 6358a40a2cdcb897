"""marshmallow schemas: what the API accepts (``*Input``) and what it answers.

The OpenAPI document is generated from these, so they are the reference of
every field's type, bounds and meaning.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime, timezone
from typing import Any

from email_validator import EmailNotValidError, validate_email
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from . import rules
from .errors import validation_error
from .i18n import LOCALES
from .markup import render_markdown

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


#: The instants the API takes (UTC): every one has a 4-digit year, however it is shifted
#: for display, and none overflows when converted.
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)


class FullMatch(validate.Regexp):
    """:class:`~marshmallow.validate.Regexp` over the whole value.

    ``re.match`` with ``$`` lets a trailing newline through (``"#fff\\n"``); the document
    keeps the pattern as written, which JSON Schema reads as a whole-string match.
    """

    def __call__(self, value: Any) -> Any:
        if self.regex.fullmatch(value) is None:
            raise ValidationError(self._format_error(value))
        return value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def format_timestamp(value: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, to the millisecond: ``2026-01-02T03:04:05.678Z``.

    Always a 4-digit year (``strftime("%Y")`` writes ``746`` for year 746), whatever
    is stored: a naive value is taken as UTC, and one that would leave the calendar
    when shifted to UTC is written as it stands.
    """
    if value.tzinfo is not None:
        try:
            value = value.astimezone(timezone.utc)
        except OverflowError:
            value = value.replace(tzinfo=None)
    return (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}T"
        f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond // 1000:03d}Z"
    )


class Timestamp(fields.Field):
    """A datetime as :func:`format_timestamp` writes it."""

    def _serialize(self, value: datetime | None, attr: Any, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else format_timestamp(value)


#: JSON Schema patterns of the rules on strings, for the document: no NUL anywhere; and
#: text that may not be empty must have a character other than white space, as it is
#: trimmed before its length is checked.
NO_NUL_PATTERN = "^[^\\u0000]*$"
NOT_BLANK_PATTERN = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def Text(*, required: bool = False, max_length: int, min_length: int = 0, **kw: Any) -> fields.Str:
    """A string, trimmed of surrounding white space before validation."""
    pattern = NOT_BLANK_PATTERN if min_length else NO_NUL_PATTERN
    kw["metadata"] = {"pattern": pattern, **kw.get("metadata", {})}
    return fields.Str(
        required=required,
        pre_load=_strip,
        validate=validate.Length(min=min_length, max=max_length),
        **kw,
    )


class EmailAddress(fields.Str):
    """An email address, checked and normalised by ``email-validator`` (no DNS), lowercased."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            # Lowercased whole: no real mailbox tells Ops@ from ops@, and duplicates must match.
            return validate_email(text, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            raise ValidationError(f"Not a valid email address: {exc}") from exc


_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
#: What :class:`Hostname` takes, for the document (which cannot say "at most 253" of a
#: name with its trailing dot removed, so it says 253 with it).
HOSTNAME_PATTERN = f"^(?:{_LABEL}\\.)+{_LABEL}\\.?$"


class Hostname(fields.Str):
    """A fully qualified host name, lowercased (``status.example.com``)."""

    def __init__(self, **kw: Any) -> None:
        kw["metadata"] = {"pattern": HOSTNAME_PATTERN, **kw.get("metadata", {})}
        super().__init__(validate=validate.Length(max=253), **kw)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        host = super()._deserialize(value, attr, data, **kwargs).strip().lower().rstrip(".")
        labels = host.split(".")
        if len(host) > 253 or len(labels) < 2 or not all(map(_HOST_LABEL.fullmatch, labels)):
            raise ValidationError("Not a valid host name.")
        return host


class UtcDateTime(fields.AwareDateTime):
    """An ISO 8601 date-time (UTC when it has no offset), converted to UTC, that must lie
    between :data:`EARLIEST` and :data:`LATEST` once converted."""

    def __init__(self, **kw: Any) -> None:
        metadata = dict(kw.pop("metadata", {}))
        note = "Between 2000-01-01T00:00:00Z and 9999-12-31T23:59:59Z once converted to UTC."
        metadata["description"] = f"{metadata.get('description', '')} {note}".strip()
        super().__init__(default_timezone=timezone.utc, metadata=metadata, **kw)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(timezone.utc)
        except OverflowError:
            raise ValidationError("Out of range once converted to UTC.") from None
        if not EARLIEST <= moment <= LATEST:
            raise ValidationError("Must be between 2000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.")
        return moment


class StrictBool(fields.Boolean):
    """JSON ``true`` or ``false`` only: not ``1``, ``0`` or ``"true"`` (a set of truthy
    values would take ``1`` and ``0``, which equal ``True`` and ``False``)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def load_input(schema: Schema, data: Any, source: str = "body", **kwargs: Any) -> Any:
    """``schema.load(data)``; a :func:`~.errors.validation_error` (422) naming every failing
    field of the request's ``source`` otherwise. The REST routes and the Python API both
    validate through it."""
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        raise validation_error(messages, source) from None


class Extended:
    """``obj`` seen with extra attributes, for a response schema to serialise."""

    def __init__(self, obj: Any, **extra: Any) -> None:
        self._obj = obj
        self.__dict__.update(extra)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._obj, name)


class NoNulSchema(Schema):
    """NUL characters are refused in every string, naming the field (PostgreSQL can
    neither store nor compare them)."""

    @pre_load
    def refuse_nul(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict):
            nested = self._nested_keys()
            bad = {
                key: ["Must not contain NUL characters."]
                for key, v in data.items()
                if key not in nested and _has_nul(v)
            }
            if bad:
                raise ValidationError(bad)
        return data

    def _nested_keys(self) -> set[str]:
        """Fields of nested schemas (alone or in a list): those name their own fields."""
        found = set()
        for name, field in self.load_fields.items():
            inner = field.inner if isinstance(field, fields.List) else field
            if isinstance(inner, fields.Nested):
                found.add(field.data_key or name)
        return found


class InputSchema(NoNulSchema):
    """Unknown fields are an error: a misspelt field must not be silently ignored."""

    class Meta:
        unknown = RAISE


class QuerySchema(NoNulSchema):
    """A query string's parameters (unknown ones are ignored where it is loaded)."""


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    return False


# ---------------------------------------------------------------- pages


class ThemeSchema(InputSchema):
    primary_color = fields.Str(
        validate=FullMatch(_COLOR, error="Must be a colour like #rgb or #rrggbb."),
        metadata={"example": "#0e7490"},
    )
    background_color = fields.Str(
        validate=FullMatch(_COLOR, error="Must be a colour like #rgb or #rrggbb."),
        metadata={"description": "Light scheme background.", "example": "#ffffff"},
    )
    color_scheme = fields.Str(
        validate=validate.OneOf(("auto", "light", "dark")),
        metadata={"description": "auto (default) follows the visitor's system setting."},
    )
    logo_url = fields.Url(schemes={"http", "https"}, allow_none=True)
    favicon_url = fields.Url(schemes={"http", "https"}, allow_none=True)


class Cidr(fields.Str):
    """An IPv4 or IPv6 network (``203.0.113.0/24``) or single address, normalised."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            return str(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise ValidationError("Not a valid IP address or CIDR network.") from None


class TimeZoneName(fields.Str):
    """An IANA time zone name (``Europe/Paris``), as :mod:`zoneinfo` knows it."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(validate=validate.Length(min=1, max=64), **kw)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        name = super()._deserialize(value, attr, data, **kwargs)
        if not rules.is_time_zone(name):
            raise ValidationError("Not an IANA time zone name (like Europe/Paris or UTC).")
        return name


def _web_link(description: str) -> fields.Url:
    return fields.Url(
        schemes={"http", "https"},
        allow_none=True,
        validate=validate.Length(max=2048),
        metadata={"description": description},
    )


class PageSettingsInput(InputSchema):
    """The page fields of seeds 001 and 002: links, branding, indexing, subscriptions, zone.

    Seed 001's names are taken too: ``remove_branding`` for ``hide_branding``,
    ``subscription_enabled`` for ``subscriptions_enabled``.
    """

    SEED_ALIASES = {
        "remove_branding": "hide_branding",
        "subscription_enabled": "subscriptions_enabled",
        "allow_page_subscribers": "subscriptions_enabled",
    }

    website_url = _web_link("The organisation's site, linked from the page's header.")
    support_url = _web_link("Where visitors get help, linked from the page's footer.")
    privacy_url = _web_link("The privacy policy, linked from the page's footer.")
    hide_branding = StrictBool(
        metadata={"description": 'Hide the "Powered by" line (default false).'}
    )
    robots_noindex = StrictBool(
        metadata={
            "description": "Ask search engines not to index the public face: a robots meta tag"
            " and X-Robots-Tag on every public answer (default false)."
        }
    )
    subscriptions_enabled = StrictBool(
        metadata={
            "description": "Visitors may subscribe (default true); false: no form, and the"
            " public subscribe routes answer 404."
        }
    )
    allow_email_subscribers = StrictBool(
        metadata={
            "description": "Visitors may subscribe an email address (default true); false:"
            " the page offers no email form and the public subscribe routes refuse one (422)."
            " Only while subscriptions_enabled is true."
        }
    )
    allow_webhook_subscribers = StrictBool(
        metadata={
            "description": "Visitors may subscribe a webhook URL (default true); false: the"
            " public subscribe route refuses one (422). Only while subscriptions_enabled is"
            " true."
        }
    )
    time_zone = TimeZoneName(
        metadata={
            "description": "IANA zone the HTML page shows times in (default UTC).",
            "example": "Europe/Paris",
        }
    )
    locale = fields.Str(
        allow_none=True,
        validate=validate.OneOf(LOCALES),
        metadata={
            "description": "Language of the HTML page, its emails and its visitor pages:"
            f" one of {', '.join(LOCALES)}; null (default): each visitor's Accept-Language,"
            " and English in emails.",
            "example": "de",
        },
    )
    company_name = Text(
        max_length=255,
        allow_none=True,
        metadata={
            "example": "Acme Inc.",
            "description": "Who runs the page: shown in its header, title and emails.",
        },
    )
    page_name = Text(
        max_length=255,
        allow_none=True,
        metadata={
            "example": "Acme Cloud Status",
            "description": "The title visitors see (page header, browser title, emails);"
            " null or empty: name.",
        },
    )
    notifications_from_email = EmailAddress(
        allow_none=True,
        validate=validate.Length(max=320),
        metadata={
            "example": "status@acme.com",
            "description": "The From address of the page's notification emails; null: the"
            " configured sender.",
        },
    )
    notifications_email_footer = Text(
        max_length=5000,
        allow_none=True,
        metadata={
            "description": "Markdown, at the end of every notification email of the page"
            " (sanitised; text and HTML parts)."
        },
    )
    redirect_to_https = StrictBool(
        metadata={
            "description": "Redirect plain-http requests to the page's public routes to"
            " https (308, so a POST stays a POST); default false."
        }
    )
    ga_tracking = fields.Str(
        allow_none=True,
        validate=FullMatch(
            rules.GA_TRACKING_PATTERN, error="Must be an analytics id like G-XXXXXXX or UA-1234-1."
        ),
        metadata={
            "example": "G-ABC123XYZ9",
            "description": "A Google Analytics id: the HTML page loads its script (and its CSP"
            " allows Google's analytics hosts, on this page only). null: none (default).",
        },
    )

    @pre_load
    def seed_names(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict) or not data.keys() & self.SEED_ALIASES.keys():
            return data
        data = dict(data)
        for alias, name in self.SEED_ALIASES.items():
            if alias in data:
                if name in data:
                    raise ValidationError({alias: [f"Give {name} or {alias}, not both."]})
                data[name] = data.pop(alias)
        return data


class PageInput(PageSettingsInput):
    name = Text(required=True, min_length=1, max_length=255, metadata={"example": "Acme Status"})
    slug = fields.Str(
        validate=[
            validate.Length(min=1, max=rules.SLUG_MAX_LENGTH),
            FullMatch(
                rules.SLUG_PATTERN, error="Use lowercase letters, digits and single hyphens."
            ),
        ],
        metadata={"description": "Made from the name when omitted; unique across all pages."},
    )
    description = Text(max_length=5000, allow_none=True)
    is_public = StrictBool(metadata={"description": "Default true."})
    visibility = fields.Str(
        validate=validate.OneOf(rules.VISIBILITIES),
        metadata={
            "description": "Who sees the page: public (anyone), private (nobody), password"
            " (visitors who unlock it with password) or audience (its signed-in page access"
            " users). Kept consistent with is_public and password: public and audience remove"
            " the password; password needs one (given, or set already)."
        },
    )
    custom_domain = Hostname(allow_none=True, metadata={"example": "status.acme.com"})
    theme = fields.Nested(ThemeSchema, allow_none=True)
    enabled = StrictBool(metadata={"description": "Default true; false hides the page."})
    password = fields.Str(
        allow_none=True,
        load_only=True,
        validate=validate.Length(min=4, max=128),
        metadata={"description": "Write-only. Set: visitors unlock the page; null removes it."},
    )
    ip_allowlist = fields.List(
        Cidr(),
        validate=validate.Length(max=100),
        metadata={"description": "Networks allowed to see the page; empty: anyone."},
    )
    header_html = fields.Str(
        allow_none=True,
        validate=validate.Length(max=10000),
        metadata={"description": "Custom HTML above the page; sanitised when shown."},
    )
    footer_html = fields.Str(
        allow_none=True,
        validate=validate.Length(max=10000),
        metadata={"description": "Custom HTML below the page; sanitised when shown."},
    )
    uptime_days = fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=365),
        metadata={"description": "Days of uptime bars shown (default 90)."},
    )
    show_uptime = StrictBool(metadata={"description": "Show uptime bars (default true)."})
    show_incident_history = StrictBool(
        metadata={"description": "Show past incidents (default true)."}
    )


class CheckSlugQuery(QuerySchema):
    slug = fields.Str(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "The slug to check (or a name to make one from)."},
    )


class SlugCheckSchema(Schema):
    slug = fields.Str()
    valid = fields.Bool(metadata={"description": "Whether it is a well-formed slug."})
    available = fields.Bool(
        metadata={"description": "Valid and no page has it: a create with it would succeed."}
    )
    reason = fields.Str(
        allow_none=True, metadata={"description": "Why it is not valid; null when it is."}
    )
    suggestion = fields.Str(
        metadata={
            "description": "A free, valid slug: the slug itself when available, else the next"
            " free one made from it (-2, -3, ...)."
        }
    )


class DnsRecordSchema(Schema):
    type = fields.Str(metadata={"enum": ["CNAME", "TXT"], "example": "TXT"})
    name = fields.Str(metadata={"example": "_statuspages.status.acme.com"})
    value = fields.Str(metadata={"example": "statuspages-verification=3f2a..."})


class DomainRecords(fields.List):
    """The DNS records a page's owner adds for its custom domain, computed when dumped."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Nested(DnsRecordSchema), dump_only=True, **kwargs)

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        from .domains import dns_records  # domains is above the schemas

        return dns_records(obj)


class PageSettingsSchema(Schema):
    website_url = fields.Str(allow_none=True)
    support_url = fields.Str(allow_none=True)
    privacy_url = fields.Str(allow_none=True)
    hide_branding = fields.Bool()
    robots_noindex = fields.Bool()
    subscriptions_enabled = fields.Bool()
    allow_page_subscribers = fields.Function(
        lambda page: page.subscriptions_enabled,
        metadata={
            "type": "boolean",
            "description": "Statuspage's name of subscriptions_enabled: the same value.",
        },
    )
    allow_email_subscribers = fields.Bool()
    allow_webhook_subscribers = fields.Bool()
    time_zone = fields.Str(metadata={"example": "Europe/Paris"})
    locale = fields.Str(allow_none=True, metadata={"example": "de"})
    company_name = fields.Str(allow_none=True)
    page_name = fields.Str(allow_none=True)
    notifications_from_email = fields.Str(allow_none=True)
    notifications_email_footer = fields.Str(allow_none=True)
    redirect_to_https = fields.Bool()
    ga_tracking = fields.Str(allow_none=True)


class PageSchema(PageSettingsSchema):
    id = fields.Str()
    name = fields.Str()
    slug = fields.Str()
    description = fields.Str(allow_none=True)
    is_public = fields.Bool()
    custom_domain = fields.Str(allow_none=True)
    custom_domain_verified_at = Timestamp(allow_none=True)
    custom_domain_records = DomainRecords(
        metadata={
            "description": "What to add to the domain's DNS before verifying it: a CNAME to"
            " this server and a TXT record with the page's own token. Empty without a domain."
        }
    )
    theme = fields.Dict()
    enabled = fields.Bool()
    password_protected = fields.Function(lambda page: page.password_hash is not None)
    visibility = fields.Function(
        lambda page: rules.visibility(
            page.is_public, page.password_hash is not None, bool(page.audience_only)
        ),
        metadata={"enum": list(rules.VISIBILITIES)},
    )
    ip_allowlist = fields.List(fields.Str())
    header_html = fields.Str(allow_none=True)
    footer_html = fields.Str(allow_none=True)
    uptime_days = fields.Int()
    show_uptime = fields.Bool()
    show_incident_history = fields.Bool()
    created_at = Timestamp()
    updated_at = Timestamp()


# --------------------------------------------------------- status embed


class EmbedColor(fields.Str):
    """A ``#rgb`` or ``#rrggbb`` colour, kept as lowercase ``#rrggbb``."""

    def __init__(self, description: str, example: str) -> None:
        super().__init__(
            validate=FullMatch(_COLOR, error="Must be a colour like #rgb or #rrggbb."),
            metadata={"description": description, "example": example},
        )

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        color = super()._deserialize(value, attr, data, **kwargs)
        if _COLOR.fullmatch(color) and len(color) == 4:
            color = "#" + "".join(c * 2 for c in color[1:])
        return color.lower()


class EmbedConfigInput(InputSchema):
    """The status embed config (seed 002): where widget.js shows its notice, and its
    colours. Each text colour must read at WCAG AA (4.5:1) on its background."""

    position = fields.Str(
        validate=validate.OneOf(rules.EMBED_POSITIONS),
        metadata={
            "description": "The corner of the host page the notice sits in (default"
            f" {rules.EMBED_DEFAULTS['position']})."
        },
    )
    incident_background_color = EmbedColor(
        "Background of the notice of an active incident.", "#b91c1c"
    )
    incident_text_color = EmbedColor(
        "Text of the notice of an active incident: 4.5:1 at least on its background.", "#ffffff"
    )
    maintenance_background_color = EmbedColor(
        "Background of the notice of a maintenance in progress.", "#1d4ed8"
    )
    maintenance_text_color = EmbedColor(
        "Text of the notice of a maintenance in progress: 4.5:1 at least on its background.",
        "#ffffff",
    )


class EmbedConfigSchema(Schema):
    page_id = fields.Str(attribute="id")
    position = fields.Str(
        attribute="embed_position", metadata={"enum": list(rules.EMBED_POSITIONS)}
    )
    incident_background_color = fields.Str(attribute="embed_incident_background_color")
    incident_text_color = fields.Str(attribute="embed_incident_text_color")
    maintenance_background_color = fields.Str(attribute="embed_maintenance_background_color")
    maintenance_text_color = fields.Str(attribute="embed_maintenance_text_color")


class PublicEmbedConfigSchema(EmbedConfigSchema):
    class Meta:
        exclude = ("page_id",)


# ----------------------------------------------------------- components


class ComponentInput(InputSchema):
    name = Text(required=True, min_length=1, max_length=255, metadata={"example": "API Server"})
    description = Text(max_length=5000, allow_none=True)
    status = fields.Str(validate=validate.OneOf(rules.COMPONENT_STATUSES))
    display_order = fields.Integer(
        strict=True, validate=validate.Range(min=-(2**31), max=2**31 - 1)
    )
    group_id = fields.Str(
        allow_none=True,
        metadata={
            "description": "Its group, one of the page's (a component is in one at most);"
            " null: none. Given with group_name, both must name the same group."
        },
    )
    group_name = Text(
        max_length=255,
        allow_none=True,
        metadata={
            "example": "Backend",
            "description": "Shortcut for group_id: the page's group of that name, made"
            " (last in order) when missing; null: none.",
        },
    )
    show_uptime = StrictBool(metadata={"description": "Show its uptime bar (default true)."})


class ComponentSchema(Schema):
    id = fields.Str()
    page_id = fields.Str()
    name = fields.Str()
    description = fields.Str(allow_none=True)
    status = fields.Str(metadata={"enum": list(rules.COMPONENT_STATUSES)})
    display_order = fields.Int()
    group_id = fields.Str(allow_none=True)
    group_name = fields.Str(allow_none=True)
    show_uptime = fields.Bool()
    created_at = Timestamp()
    updated_at = Timestamp()


class ComponentListSchema(Schema):
    data = fields.List(
        fields.Nested(ComponentSchema), metadata={"description": "Every one, in the new order."}
    )


# ------------------------------------------------ component groups, order

_MEMBERS = "Its components, in display order."


class GroupInput(InputSchema):
    name = Text(
        required=True,
        min_length=1,
        max_length=255,
        metadata={"example": "Backend", "description": "Unique on the page (409 when taken)."},
    )
    description = Text(max_length=5000, allow_none=True)
    display_order = fields.Integer(
        strict=True,
        validate=validate.Range(min=-(2**31), max=2**31 - 1),
        metadata={"description": "Default: after the page's last group."},
    )
    collapsed = StrictBool(
        metadata={
            "description": "Folded on the public page until a visitor opens it (default false)."
        }
    )
    component_ids = fields.List(
        fields.Str(),
        validate=validate.Length(max=500),
        metadata={
            "description": "Its components (the whole membership: on an update, those left"
            " out leave it). A component is in one group at most: listing it here moves it."
        },
    )


class GroupSchema(Schema):
    id = fields.Str()
    page_id = fields.Str()
    name = fields.Str()
    description = fields.Str(allow_none=True)
    display_order = fields.Int()
    collapsed = fields.Bool()
    component_ids = fields.List(fields.Str(), metadata={"description": _MEMBERS})
    created_at = Timestamp()
    updated_at = Timestamp()


# ------------------------------------------------------- page access users

_ACCESS_COMPONENTS = "Components the user may see (with components_only)."
_ACCESS_METRICS = "Metrics the user may see (with metrics_only)."


class PageAccessUserInput(InputSchema):
    email = EmailAddress(
        required=True,
        metadata={"example": "jane@customer.com", "description": "Unique on the page, any case."},
    )
    external_login = Text(
        max_length=255,
        allow_none=True,
        metadata={"description": "The user's login at your identity provider, kept for you."},
    )
    components_only = StrictBool(
        metadata={
            "description": "True: the user sees component_ids only; false: every component"
            " (default: true when component_ids is given)."
        }
    )
    component_ids = fields.List(
        fields.Str(),
        validate=validate.Length(max=500),
        metadata={"description": _ACCESS_COMPONENTS + " On an update: the whole new set."},
    )
    metrics_only = StrictBool(
        metadata={
            "description": "True: the user sees metric_ids only; false: every metric"
            " (default: true when metric_ids is given)."
        }
    )
    metric_ids = fields.List(
        fields.Str(),
        validate=validate.Length(max=500),
        metadata={"description": _ACCESS_METRICS + " On an update: the whole new set."},
    )


class ComponentIdsInput(InputSchema):
    component_ids = fields.List(
        fields.Str(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"example": ["c0ffee00c0ffee00c0ffee00c0ffee00"]},
    )


class MetricIdsInput(InputSchema):
    metric_ids = fields.List(
        fields.Str(validate=validate.Length(min=1, max=64)),
        required=True,
        validate=validate.Length(min=1, max=500),
        metadata={"example": ["c0ffee00c0ffee00c0ffee00c0ffee00"]},
    )


class PageAccessUserSchema(Schema):
    id = fields.Str()
    page_id = fields.Str()
    email = fields.Str()
    external_login = fields.Str(allow_none=True)
    components_only = fields.Bool()
    component_ids = fields.List(fields.Str(), metadata={"description": _ACCESS_COMPONENTS})
    metrics_only = fields.Bool()
    metric_ids = fields.List(fields.Str(), metadata={"description": _ACCESS_METRICS})
    created_at = Timestamp()
    updated_at = Timestamp()


class SignInInput(InputSchema):
    email = EmailAddress(required=True, metadata={"example": "jane@customer.com"})


class GroupListSchema(Schema):
    data = fields.List(
        fields.Nested(GroupSchema), metadata={"description": "Every one, in the new order."}
    )


_ORDER = (
    "Every one of the page's {what} ids, each once, in the new display order"
    " (display_order becomes 0, 1, 2...)."
)


class GroupReorderInput(InputSchema):
    ids = fields.List(
        fields.Str(),
        required=True,
        validate=validate.Length(max=1000),
        metadata={"description": _ORDER.format(what="group")},
    )


class ComponentReorderInput(InputSchema):
    """``ids``, or seed 003's ``componentIds``; loaded as ``{"ids", "field"}`` with the
    name used, for errors to name it."""

    ids = fields.List(
        fields.Str(),
        validate=validate.Length(max=1000),
        metadata={"description": _ORDER.format(what="component")},
    )
    component_ids_alias = fields.List(
        fields.Str(),
        data_key="componentIds",
        validate=validate.Length(max=1000),
        metadata={"description": "Alias of ids (seed 003's name)."},
    )

    @validates_schema
    def exactly_one_list(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [key for key in ("ids", "component_ids_alias") if key in data]
        if len(given) != 1:
            message = "Give exactly one of ids or componentIds."
            raise ValidationError({"ids": [message], "componentIds": [message]})

    @post_load
    def name_the_list(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if "ids" in data:
            return {"ids": data["ids"], "field": "ids"}
        return {"ids": data["component_ids_alias"], "field": "componentIds"}


# ---------------------------------------- a page created with its contents


class PageComponentInput(ComponentInput):
    """A component of a new page: ``group_name`` names one of the request's groups, or
    a group made for it."""

    class Meta(ComponentInput.Meta):
        exclude = ("group_id",)


class GroupMemberInput(ComponentInput):
    """A component listed inside a group of a new page."""

    class Meta(ComponentInput.Meta):
        exclude = ("group_id", "group_name")


class PageGroupInput(GroupInput):
    """A group of a new page (seed 001's ``groups[]``), with its components."""

    class Meta(GroupInput.Meta):
        exclude = ("component_ids",)

    components = fields.List(fields.Nested(GroupMemberInput), validate=validate.Length(max=500))


class PageCreateInput(PageInput):
    components = fields.List(
        fields.Nested(PageComponentInput),
        validate=validate.Length(max=500),
        metadata={"description": "Components made with the page, in this order."},
    )
    groups = fields.List(
        fields.Nested(PageGroupInput),
        validate=validate.Length(max=100),
        metadata={"description": "Groups made with the page, in this order (seed 001)."},
    )

    @validates_schema
    def group_names_differ(self, data: dict[str, Any], **kwargs: Any) -> None:
        seen: set[str] = set()
        errors: dict[int, dict[str, list[str]]] = {}
        for index, group in enumerate(data.get("groups", [])):
            if group["name"] in seen:
                errors[index] = {"name": ["Another group of the request has this name."]}
            seen.add(group["name"])
        if errors:
            raise ValidationError({"groups": errors})


# ------------------------------------------------------------ incidents


class Choice(fields.Str):
    """One of ``choices``, or an alias of one (seed 004's upper-case values), loaded as
    the choice it stands for. The document lists every accepted value."""

    def __init__(self, choices: tuple[str, ...], aliases: dict[str, str], **kw: Any) -> None:
        self.choices, self.aliases = choices, aliases
        metadata = {"enum": [*choices, *aliases], **kw.pop("metadata", {})}
        super().__init__(metadata=metadata, **kw)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        found = rules.canonical(value, self.choices, self.aliases)
        if found is None:
            accepted = ", ".join([*self.choices, *self.aliases])
            raise ValidationError(f"Must be one of: {accepted}.")
        return found


def ComponentStatus(**kw: Any) -> Choice:
    return Choice(rules.COMPONENT_STATUSES, rules.STATUS_ALIASES, **kw)


_SEVERITY_VALUES = [*rules.SEVERITIES, *rules.IMPACT_ALIASES]


def Severity(**kw: Any) -> Choice:
    return Choice(rules.SEVERITIES, rules.IMPACT_ALIASES, **kw)


#: An id as a key of a ``components`` map (ids are 32 hex digits; anything else names none).
_ID_KEY = fields.Str(validate=[validate.Length(min=1, max=64), FullMatch(re.compile(r"[^\x00]+"))])


def _at_most_500_components(value: dict[str, Any]) -> None:
    # A validator of our own: apispec would write Length as a string's maxLength.
    if len(value) > 500:
        raise ValidationError("At most 500 components.")


def ComponentStatuses(**kw: Any) -> fields.Dict:
    """``{component_id: status}`` (a status, or seed 004's alias of one)."""
    metadata = {"maxProperties": 500, **kw.pop("metadata", {})}
    return fields.Dict(
        keys=_ID_KEY,
        values=ComponentStatus(),
        validate=_at_most_500_components,
        metadata=metadata,
        **kw,
    )


def AffectedComponents(**kw: Any) -> fields.Dict:
    return fields.Dict(
        keys=_ID_KEY,
        values=ComponentStatus(
            allow_none=True,
            metadata={"enum": [*rules.COMPONENT_STATUSES, *rules.STATUS_ALIASES, None]},
        ),
        validate=_at_most_500_components,
        metadata={
            "maxProperties": 500,
            "description": "Affected components: {component_id: status}. Each component"
            " takes that status. On an update the map merges into the incident's; null"
            " removes a component (it is restored as on resolution).",
        },
        **kw,
    )


class ImpactIsSeverity(InputSchema):
    """``severity``, or ``impact`` (Statuspage's word for it, seed 004's values too)."""

    severity = Severity()
    impact = Severity(metadata={"description": "Alias of severity (Statuspage's word)."})

    @validates_schema
    def one_impact(self, data: dict[str, Any], **kwargs: Any) -> None:
        severity, impact = data.get("severity"), data.get("impact")
        if severity is not None and impact is not None and severity != impact:
            message = "impact is an alias of severity: give one, or both the same."
            raise ValidationError({"severity": [message], "impact": [message]})

    @post_load
    def impact_is_severity(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if "impact" in data:
            data["severity"] = data.pop("impact")
        return data


class IncidentInput(ImpactIsSeverity):
    title = Text(
        min_length=1,
        max_length=255,
        metadata={"description": "Required, unless template_id gives it."},
    )
    message = Text(max_length=20000, allow_none=True)
    status = fields.Str(validate=validate.OneOf(rules.INCIDENT_STATUSES))
    components = AffectedComponents()
    started_at = UtcDateTime(
        metadata={"description": "When the trouble began (default now); past, for a write-up."}
    )
    resolved_at = UtcDateTime(
        metadata={"description": "Backfill only: with status resolved, when it was resolved."}
    )
    notify = StrictBool(
        metadata={"description": "Default true; false: no subscriber is told of this change."}
    )
    template_id = fields.Str(
        validate=validate.Length(min=1, max=64),
        metadata={
            "description": "Create only: an incident template of the page fills title,"
            " message, severity and components; the request's own fields win."
        },
    )

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def title_or_template(
        self, data: dict[str, Any], original: Any, partial: Any = None, **kw: Any
    ) -> None:
        given = original if isinstance(original, dict) else {}
        if partial:
            if "template_id" in given:
                raise ValidationError({"template_id": ["Only when creating an incident."]})
        elif "title" not in given and "template_id" not in given:
            raise ValidationError({"title": ["Missing data for required field."]})


class ChangedComponentSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    old_status = fields.Str(allow_none=True, metadata={"enum": list(rules.COMPONENT_STATUSES)})
    new_status = fields.Str(metadata={"enum": list(rules.COMPONENT_STATUSES)})


class IncidentUpdateSchema(Schema):
    id = fields.Str()
    status = fields.Str(
        allow_none=True,
        metadata={
            "enum": [*rules.INCIDENT_STATUSES, None],
            "description": "null: a message only, that moved nothing.",
        },
    )
    message = fields.Str(allow_none=True)
    components = fields.List(
        fields.Nested(ChangedComponentSchema),
        metadata={"description": "The components this update changed."},
    )
    created_at = Timestamp()
    edited_at = Timestamp(allow_none=True, metadata={"description": "Set once corrected."})


class AffectedComponentSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    status = fields.Str(
        metadata={
            "enum": list(rules.COMPONENT_STATUSES),
            "description": "The status the incident gives it.",
        }
    )


class AffectedComponentsField(fields.List):
    """An incident's ``components`` map as ``[{id, name, status}]``, in the page's order;
    components deleted since drop out."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fields.Nested(AffectedComponentSchema), dump_only=True, **kwargs)

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        given = obj.components or {}
        if not given:
            return []
        return [
            {"id": c.id, "name": c.name, "status": given[c.id]}
            for c in obj.page.components
            if c.id in given
        ]


class PostmortemSchema(Schema):
    """An incident's postmortem as its owner sees it (dumped from the incident)."""

    incident_id = fields.Str(attribute="id")
    body = fields.Str(attribute="postmortem", metadata={"description": "Markdown."})
    body_html = fields.Function(
        lambda incident: str(render_markdown(incident.postmortem)),
        metadata={"description": "The body rendered to sanitised HTML."},
    )
    state = fields.Function(
        lambda incident: "published" if incident.postmortem_published_at else "draft",
        metadata={"enum": ["draft", "published"]},
    )
    published_at = Timestamp(attribute="postmortem_published_at", allow_none=True)
    updated_at = Timestamp(attribute="postmortem_updated_at", allow_none=True)


class PublicPostmortemSchema(Schema):
    body = fields.Str(attribute="postmortem", metadata={"description": "Markdown."})
    published_at = Timestamp(attribute="postmortem_published_at")


class PostmortemOf(fields.Nested):
    """The incident's postmortem, or ``None``: none written (or, ``published_only``, none
    published: a draft is its owner's alone)."""

    def __init__(self, nested: type[Schema], *, published_only: bool, **kwargs: Any) -> None:
        super().__init__(nested, allow_none=True, dump_only=True, **kwargs)
        self.published_only = published_only

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        if obj.postmortem is None or (self.published_only and not obj.postmortem_published_at):
            return None
        return obj


class IncidentSchema(Schema):
    id = fields.Str()
    page_id = fields.Str()
    title = fields.Str()
    message = fields.Str(allow_none=True)
    severity = fields.Str(metadata={"enum": list(rules.SEVERITIES)})
    impact = fields.Function(
        lambda incident: incident.severity,
        metadata={"enum": list(rules.SEVERITIES), "description": "Alias of severity."},
    )
    status = fields.Str(metadata={"enum": list(rules.INCIDENT_STATUSES)})
    components = fields.Dict(
        keys=fields.Str(),
        values=fields.Str(metadata={"enum": list(rules.COMPONENT_STATUSES)}),
        metadata={"description": "Affected components: {component_id: status}."},
    )
    affected_components = AffectedComponentsField(
        metadata={"description": "The same, for people: [{id, name, status}], page order."}
    )
    started_at = Timestamp()
    resolved_at = Timestamp(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()
    updates = fields.List(
        fields.Nested(IncidentUpdateSchema), metadata={"description": "Newest first."}
    )
    postmortem = PostmortemOf(
        PostmortemSchema,
        published_only=False,
        metadata={"description": "Its postmortem, draft or published; null when none."},
    )


class IncidentUpdateInput(InputSchema):
    message = Text(max_length=20000, allow_none=True)
    status = Choice(
        rules.INCIDENT_STATUSES,
        {},
        allow_none=True,
        metadata={
            "enum": [*rules.INCIDENT_STATUSES, *rules.MESSAGE_ONLY_ALIASES, None],
            "description": "The incident's new status; null or UPDATE: a message only.",
        },
    )
    components = AffectedComponents()
    created_at = UtcDateTime(
        metadata={
            "description": "Backdate the update: not before the incident's started_at,"
            " not in the future."
        }
    )
    notify = StrictBool(metadata={"description": "Default true; false: no subscriber is told."})

    @pre_load
    def message_only_alias(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and data.get("status") in rules.MESSAGE_ONLY_ALIASES:
            data = {**data, "status": None}
        return data


class IncidentUpdateEdit(InputSchema):
    message = Text(max_length=20000, allow_none=True)
    created_at = UtcDateTime(
        metadata={"description": "Not before the incident's started_at, not in the future."}
    )


class PageDetailSchema(PageSchema):
    groups = fields.List(fields.Nested(GroupSchema), metadata={"description": "In order."})
    components = fields.List(fields.Nested(ComponentSchema))
    active_incidents = fields.List(fields.Nested(IncidentSchema))


# ------------------------------------------ incident templates, postmortems


class IncidentTemplateInput(ImpactIsSeverity):
    name = Text(required=True, min_length=1, max_length=255, metadata={"example": "DB failover"})
    title = Text(required=True, min_length=1, max_length=255)
    message = Text(max_length=20000, allow_none=True, metadata={"description": "Markdown."})
    severity = Severity(allow_none=True, metadata={"enum": [*_SEVERITY_VALUES, None]})
    impact = Severity(
        allow_none=True,
        metadata={
            "enum": [*_SEVERITY_VALUES, None],
            "description": "Alias of severity (Statuspage's word).",
        },
    )
    components = ComponentStatuses(
        metadata={"description": "Components of the page the incident will affect: id -> status."}
    )


class IncidentTemplateSchema(Schema):
    id = fields.Str()
    page_id = fields.Str()
    name = fields.Str()
    title = fields.Str()
    message = fields.Str(allow_none=True)
    severity = fields.Str(allow_none=True, metadata={"enum": [*rules.SEVERITIES, None]})
    impact = fields.Function(
        lambda template: template.severity,
        allow_none=True,
        metadata={"type": "string", "description": "Same as severity."},
    )
    components = fields.Dict(keys=fields.Str(), values=fields.Str())
    created_at = Timestamp()
    updated_at = Timestamp()


class PostmortemInput(InputSchema):
    body = Text(
        required=True,
        max_length=100000,
        metadata={"description": "Markdown; may be empty while a draft, not once published."},
    )


class PublishInput(InputSchema):
    notify = StrictBool(
        load_default=False,
        metadata={"description": "Send subscribers incident.postmortem_published (default false)."},
    )


# ---------------------------------------------------------- maintenance


class MaintenanceInput(InputSchema):
    title = Text(
        required=True, min_length=1, max_length=255, metadata={"example": "Database upgrade"}
    )
    message = Text(max_length=20000, allow_none=True, metadata={"description": "Markdown."})
    scheduled_for = UtcDateTime(required=True, metadata={"example": "2026-12-01T02:00:00Z"})
    scheduled_until = UtcDateTime(
        required=True,
        metadata={"example": "2026-12-01T04:00:00Z", "description": "After scheduled_for."},
    )
    status = fields.Str(
        validate=validate.OneOf(rules.MAINTENANCE_STATUSES),
        metadata={"description": "Set by hand; with auto_transition the worker moves it on time."},
    )
    auto_transition = StrictBool(
        metadata={"description": "Start and complete at the scheduled times (default true)."}
    )
    component_ids = fields.List(
        fields.Str(),
        validate=validate.Length(max=500),
        metadata={"description": "Affected components: under maintenance while it is open."},
    )

    @validates_schema
    def ends_after_it_starts(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("scheduled_for"), data.get("scheduled_until")
        if start and end and end <= start:
            raise ValidationError({"scheduled_until": ["Must be after scheduled_for."]})


class MaintenanceUpdateSchema(Schema):
    id = fields.Str()
    status = fields.Str(metadata={"enum": list(rules.MAINTENANCE_STATUSES)})
    message = fields.Str(allow_none=True)
    created_at = Timestamp()


class MaintenanceSchema(Schema):
    id = fields.Str()
    page_id = fields.Str()
    title = fields.Str()
    message = fields.Str(allow_none=True)
    status = fields.Str(metadata={"enum": list(rules.MAINTENANCE_STATUSES)})
    scheduled_for = Timestamp()
    scheduled_until = Timestamp()
    auto_transition = fields.Bool()
    component_ids = fields.List(fields.Str())
    started_at = Timestamp(allow_none=True)
    completed_at = Timestamp(allow_none=True)
    created_at = Timestamp()
    updated_at = Timestamp()
    updates = fields.List(
        fields.Nested(MaintenanceUpdateSchema), metadata={"description": "Newest first."}
    )


# ----------------------------------------------------------- subscribers


class SubscriberInput(InputSchema):
    email = EmailAddress(metadata={"example": "ops@acme.com"})
    component_ids = fields.List(
        fields.Str(),
        validate=validate.Length(max=500),
        metadata={"description": "Hear only about these components (page-wide events still)."},
    )
    webhook_url = fields.Url(
        schemes={"http", "https"},
        require_tld=False,
        validate=validate.Length(max=2048),
        metadata={"example": "https://hooks.example.com/status"},
    )

    @validates_schema
    def exactly_one_channel(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("email" in data) == ("webhook_url" in data):
            message = "Give exactly one of email or webhook_url."
            raise ValidationError({"email": [message], "webhook_url": [message]})


class SubscriberSchema(Schema):
    id = fields.Str()
    page_id = fields.Str()
    email = fields.Str(allow_none=True)
    webhook_url = fields.Str(allow_none=True)
    component_ids = fields.List(fields.Str())
    verified = fields.Bool()
    verified_at = Timestamp(allow_none=True)
    state = fields.Str(metadata={"enum": list(rules.SUBSCRIBER_STATES)})
    failure_streak = fields.Int(metadata={"description": "Failed webhook attempts in a row."})
    quarantined_at = Timestamp(allow_none=True)
    created_at = Timestamp()


class SubscriberCreatedSchema(SubscriberSchema):
    verify_token = fields.Str(metadata={"description": "Verifies the subscription; shown once."})
    secret = fields.Str(
        allow_none=True,
        metadata={"description": "Webhook subscribers only: the HMAC key; shown once."},
    )


# ---------------------------------------------------------------- public


class PublicComponentSchema(ComponentSchema):
    class Meta:
        exclude = ("page_id", "created_at")


class PublicGroupSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    description = fields.Str(allow_none=True)
    collapsed = fields.Bool(metadata={"description": "Shown folded until opened."})
    component_ids = fields.List(fields.Str(), metadata={"description": _MEMBERS})


class PublicIncidentSchema(IncidentSchema):
    postmortem = PostmortemOf(
        PublicPostmortemSchema,
        published_only=True,
        metadata={"description": "Its published postmortem; null while none is (drafts never)."},
    )

    class Meta:
        exclude = ("page_id",)


class PublicMaintenanceSchema(MaintenanceSchema):
    class Meta:
        exclude = ("page_id", "auto_transition")


class PublicPageSchema(Schema):
    name = fields.Str()
    slug = fields.Str()
    description = fields.Str(allow_none=True)
    overall_status = fields.Str(metadata={"enum": list(rules.COMPONENT_STATUSES)})
    theme = fields.Dict()
    components = fields.List(fields.Nested(PublicComponentSchema))
    groups = fields.List(
        fields.Nested(PublicGroupSchema),
        metadata={"description": "In display order; components in no group are shown after them."},
    )
    active_incidents = fields.List(fields.Nested(PublicIncidentSchema))
    recent_incidents = fields.List(
        fields.Nested(PublicIncidentSchema),
        metadata={"description": "Resolved in the last 14 days, newest first, at most 20."},
    )
    status_embed_config = fields.Nested(
        PublicEmbedConfigSchema,
        metadata={"description": "Where and in which colours widget.js shows its notice."},
    )
    active_maintenances = fields.List(
        fields.Nested(PublicMaintenanceSchema),
        metadata={"description": "In progress or being verified."},
    )
    upcoming_maintenances = fields.List(
        fields.Nested(PublicMaintenanceSchema),
        metadata={"description": "Scheduled, soonest first."},
    )


class HistoryQuery(QuerySchema):
    months = fields.Integer(load_default=3, validate=validate.Range(min=1, max=24))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=240))


class HistoryMonthSchema(Schema):
    month = fields.Function(
        lambda m: f"{m['month'].year:04d}-{m['month'].month:02d}", metadata={"example": "2026-11"}
    )
    incidents = fields.List(fields.Nested(PublicIncidentSchema))
    maintenances = fields.List(
        fields.Nested(PublicMaintenanceSchema),
        metadata={"description": "Completed windows that were to start this month, newest first."},
    )


class HistorySchema(Schema):
    months = fields.List(
        fields.Nested(HistoryMonthSchema), metadata={"description": "Newest first."}
    )


#: How many days back an uptime window may end (ten years).
MAX_UPTIME_OFFSET = 3650


class UptimeQuery(QuerySchema):
    days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=365))
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(min=0, max=MAX_UPTIME_OFFSET),
        metadata={
            "description": "Days back from today the window ends (seed 003): 0 ends today,"
            " 7 ends on the day a week ago."
        },
    )


class UptimeDaySchema(Schema):
    date = fields.Date(attribute="day")
    uptime = fields.Float(
        allow_none=True,
        metadata={
            "description": "0..1; null before the component existed, and while it has"
            " too little data for any figure (see uptime_reason)."
        },
    )
    status = fields.Str(
        attribute="worst", allow_none=True, metadata={"description": "The worst status that day."}
    )


class UptimeComponentSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    status = fields.Str(metadata={"enum": list(rules.COMPONENT_STATUSES)})


class UptimeSchema(Schema):
    component = fields.Nested(UptimeComponentSchema)
    days = fields.Int()
    offset = fields.Int(metadata={"description": "Days back from today the window ends."})
    since = Timestamp(
        allow_none=True,
        metadata={
            "description": "When the data begins, for a component younger than the range;"
            " null when the data covers the whole range.",
            "example": "2026-12-03T09:12:44.120Z",
        },
    )
    observed_seconds = fields.Float(
        metadata={"description": "Seconds of data in the range (the component's lifetime in it)."}
    )
    min_span_seconds = fields.Float(
        metadata={"description": "Seconds of data needed before any figure is given."}
    )
    uptime = fields.Float(
        allow_none=True,
        metadata={
            "description": "0..1 over the time observed in the range (from since, if set);"
            " null when uptime_reason says why."
        },
    )
    uptime_reason = fields.Str(
        allow_none=True,
        metadata={
            "enum": ["too_little_data", None],
            "description": "too_little_data: less than min_span_seconds observed, so no"
            " figure (uptime and every day's uptime are null); null when uptime is given.",
        },
    )
    history = fields.List(fields.Nested(UptimeDaySchema), metadata={"description": "Oldest first."})


# --------------------------------------------------- component statistics


class UptimeFigureSchema(Schema):
    start = Timestamp(
        metadata={
            "description": "Where the window starts: 24 hours ago, or the midnight (UTC)"
            " that begins its first day, as on the uptime bars."
        }
    )
    uptime = fields.Float(
        allow_none=True,
        metadata={"description": "0..1, weighted by time; null when uptime_reason says why."},
    )
    uptime_reason = fields.Str(
        allow_none=True,
        metadata={
            "enum": ["too_little_data", None],
            "description": "too_little_data: less than STATUSPAGES_UPTIME_MIN_SPAN seconds"
            " observed in the window.",
        },
    )
    since = Timestamp(
        allow_none=True,
        metadata={"description": "When the data begins, for a component younger than the window."},
    )
    observed_seconds = fields.Float()


class UptimeWindowsSchema(Schema):
    last_24h = fields.Nested(UptimeFigureSchema, data_key="24h", attribute="24h")
    last_7d = fields.Nested(UptimeFigureSchema, data_key="7d", attribute="7d")
    last_30d = fields.Nested(UptimeFigureSchema, data_key="30d", attribute="30d")
    last_90d = fields.Nested(UptimeFigureSchema, data_key="90d", attribute="90d")


class IncidentCountSchema(Schema):
    days = fields.Int(metadata={"description": "The incidents counted started in these days."})
    since = Timestamp(metadata={"description": "The midnight (UTC) the days begin at."})
    count = fields.Int(metadata={"description": "Incidents whose components name this one."})
    resolved = fields.Int(metadata={"description": "How many of them are resolved."})
    mean_time_to_resolve_seconds = fields.Float(
        allow_none=True,
        metadata={
            "description": "Mean of resolved_at - started_at over the resolved ones;"
            " null when none is."
        },
    )


class AffectingIncidentSchema(Schema):
    id = fields.Str()
    title = fields.Str()
    status = fields.Str(metadata={"enum": list(rules.INCIDENT_STATUSES)})
    severity = fields.Str(metadata={"enum": list(rules.SEVERITIES)})
    started_at = Timestamp()
    component_status = fields.Str(
        metadata={
            "enum": list(rules.COMPONENT_STATUSES),
            "description": "The status the incident gives this component.",
        }
    )


class AffectingMaintenanceSchema(Schema):
    id = fields.Str()
    title = fields.Str()
    status = fields.Str(metadata={"enum": list(rules.MAINTENANCE_STATUSES)})
    scheduled_for = Timestamp()
    scheduled_until = Timestamp()


class ComponentStatisticsSchema(Schema):
    component = fields.Nested(UptimeComponentSchema)
    status = fields.Str(metadata={"enum": list(rules.COMPONENT_STATUSES)})
    status_since = Timestamp(
        allow_none=True,
        metadata={
            "description": "When the component entered its status (its creation, if it never"
            " changed); null when the record of changes does not say."
        },
    )
    status_duration_seconds = fields.Float(allow_none=True)
    uptime = fields.Nested(
        UptimeWindowsSchema,
        metadata={"description": "Uptime over the last 24 hours and the last 7, 30, 90 days."},
    )
    incidents = fields.Nested(IncidentCountSchema)
    open_incidents = fields.List(
        fields.Nested(AffectingIncidentSchema),
        metadata={"description": "Unresolved incidents naming it, newest first (of any age)."},
    )
    open_maintenances = fields.List(
        fields.Nested(AffectingMaintenanceSchema),
        metadata={"description": "Windows in progress or being verified that affect it."},
    )


class AuthInput(InputSchema):
    password = fields.Str(required=True, validate=validate.Length(min=1, max=128))


class PageSessionSchema(Schema):
    token = fields.Str(
        metadata={"description": "Send as Authorization: Bearer, or keep the cookie set with it."}
    )
    expires_in = fields.Int(metadata={"description": "Seconds."})


# ------------------------------------------------------- queries, errors


#: The last page number a list takes: any offset it makes fits a 64-bit integer.
MAX_PAGE = 2**31 - 1


class PaginationQuery(QuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


class PageAccessUserQuery(PaginationQuery):
    email = fields.Str(
        validate=validate.Length(min=1, max=320),
        metadata={"description": "Only the user with this email (any case)."},
    )


class IncidentListQuery(PaginationQuery):
    status = fields.Str(
        validate=validate.OneOf(rules.INCIDENT_LIST_FILTERS),
        metadata={"description": "One of the four statuses, or open: any unresolved."},
    )
    take = fields.Integer(
        validate=validate.Range(min=1, max=100), metadata={"description": "Alias of per_page."}
    )
    skip = fields.Integer(
        validate=validate.Range(min=0, max=MAX_PAGE),
        metadata={
            "description": "Rows to skip (any number, not only whole pages); with it,"
            " page is ignored."
        },
    )


class MaintenanceListQuery(PaginationQuery):
    status = fields.Str(validate=validate.OneOf(rules.MAINTENANCE_STATUSES))


class SubscriberListQuery(PaginationQuery):
    state = fields.Str(validate=validate.OneOf(rules.SUBSCRIBER_STATES))


class DeliveryListQuery(PaginationQuery):
    status = fields.Str(validate=validate.OneOf(rules.DELIVERY_STATUSES))


class DeliverySchema(Schema):
    id = fields.Str()
    event = fields.Str(attribute="event.kind", metadata={"example": "incident.created"})
    event_id = fields.Str()
    subscriber_id = fields.Str()
    channel = fields.Str(metadata={"enum": ["email", "webhook"]})
    status = fields.Str(metadata={"enum": list(rules.DELIVERY_STATUSES)})
    attempts = fields.Int()
    next_attempt_at = Timestamp()
    last_error = fields.Str(allow_none=True)
    sent_at = Timestamp(allow_none=True)
    created_at = Timestamp()


class ResentSchema(Schema):
    id = fields.Str()
    verify_token = fields.Str(metadata={"description": "The new verification token."})


class PaginationSchema(Schema):
    page = fields.Int()
    per_page = fields.Int()
    total = fields.Int()
    pages = fields.Int()
    skip = fields.Int(
        metadata={
            "description": "Only when the request gave skip: the rows skipped (page is then"
            " the page the first row falls on)."
        }
    )


class ErrorBodySchema(Schema):
    code = fields.Str(metadata={"example": "validation_error"})
    message = fields.Str()
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.Str(),
        values=fields.List(fields.Str()),
        metadata={"description": "Only on 422: every failing field with its messages."},
    )


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema)


class MessageSchema(Schema):
    message = fields.Str()


class VerifiedSchema(Schema):
    id = fields.Str()
    verified = fields.Bool()
    verified_at = Timestamp()


# ---------------------------------------------------------------- metrics

#: The widest value a metric field or reading takes (see :mod:`.series`).
_MAGNITUDE = 1e300


class StrictFloat(fields.Float):
    """A JSON number only (not ``"1.5"``), finite and within ``±1e300``."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(
            allow_nan=False, validate=validate.Range(min=-_MAGNITUDE, max=_MAGNITUDE), **kw
        )

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        if isinstance(value, int) and abs(value) > _MAGNITUDE:
            raise ValidationError(f"Must be between {-_MAGNITUDE:g} and {_MAGNITUDE:g}.")
        return super()._deserialize(value, attr, data, **kwargs)


class MetricInput(InputSchema):
    name = Text(required=True, min_length=1, max_length=255, metadata={"example": "API latency"})
    suffix = Text(
        max_length=32, allow_none=True, metadata={"example": "ms", "description": "After values."}
    )
    y_axis_min = StrictFloat(
        allow_none=True,
        metadata={"description": "Bottom of the chart; null: fitted to the data (from 0)."},
    )
    y_axis_max = StrictFloat(
        allow_none=True,
        metadata={"description": "Top of the chart (above y_axis_min); null: fitted to the data."},
    )
    y_axis_hidden = StrictBool(metadata={"description": "Hide the chart's axis labels."})
    decimal_places = fields.Integer(
        strict=True,
        validate=validate.Range(min=0, max=4),
        metadata={"description": "Digits after the point in shown values (default 0)."},
    )
    tooltip_description = Text(max_length=1000, allow_none=True)
    display = StrictBool(
        metadata={"description": "Shown on the public face (default true); off: fed, not shown."}
    )
    display_order = fields.Integer(
        strict=True,
        validate=validate.Range(min=-(2**31), max=2**31 - 1),
        metadata={"description": "Default: after the page's last metric."},
    )
    component_ids = fields.List(
        fields.Str(),
        validate=validate.Length(max=500),
        metadata={"description": "Components it is tied to (on an update, the whole set)."},
    )

    @validates_schema
    def axis_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        low, high = data.get("y_axis_min"), data.get("y_axis_max")
        if low is not None and high is not None and low >= high:
            raise ValidationError("Must be above y_axis_min.", "y_axis_max")


class MetricSchema(Schema):
    id = fields.Str()
    page_id = fields.Str()
    name = fields.Str()
    suffix = fields.Str(allow_none=True)
    y_axis_min = fields.Float(allow_none=True)
    y_axis_max = fields.Float(allow_none=True)
    y_axis_hidden = fields.Bool()
    decimal_places = fields.Int()
    tooltip_description = fields.Str(allow_none=True)
    display = fields.Bool()
    display_order = fields.Int()
    component_ids = fields.List(fields.Str())
    created_at = Timestamp()
    updated_at = Timestamp()


_POINT = {
    "type": "object",
    "required": ["timestamp", "value"],
    "additionalProperties": False,
    "properties": {
        "timestamp": {
            "oneOf": [
                {"type": "integer", "minimum": 0, "description": "Unix seconds."},
                {"type": "string", "format": "date-time"},
            ],
            "description": "Within the retention window, and at most 5 minutes ahead.",
        },
        "value": {"type": "number", "minimum": -_MAGNITUDE, "maximum": _MAGNITUDE},
    },
}


class _ReadingForm(Schema):
    """How a reading's form values are typed (``data[timestamp]=...&data[value]=...``);
    the reading itself is checked by :func:`.series.parse_points`."""

    timestamp = fields.Integer()
    value = fields.Float()


class Readings(fields.Raw):
    """One reading or a list of them, checked point by point elsewhere."""

    form_items = _ReadingForm()


class MetricDataInput(InputSchema):
    """The readings are checked point by point by :func:`.series.parse_points`, which
    names each bad one (``data.17.timestamp``), NUL characters included."""

    def _nested_keys(self) -> set[str]:
        return {"data"}

    data = Readings(
        required=True,
        metadata={
            "description": "One point, or a list of up to 3,000 (in any order; for a"
            " timestamp given twice, or already stored, the last value wins).",
            "oneOf": [
                _POINT,
                {"type": "array", "minItems": 1, "maxItems": 3000, "items": _POINT},
            ],
        },
    )


class MetricDataResultSchema(Schema):
    metric_id = fields.Str()
    written = fields.Int(metadata={"description": "Points stored (duplicates counted once)."})
    first = Timestamp(allow_none=True, metadata={"description": "The earliest point's time."})
    last = Timestamp(allow_none=True, metadata={"description": "The latest point's time."})


class MetricsQuery(QuerySchema):
    period = fields.Str(
        load_default="day",
        validate=validate.OneOf(("day", "week", "month")),
        metadata={
            "description": "day: 5-minute buckets over 24 h; week: hourly over 7 days;"
            " month: 6-hour buckets over 30 days."
        },
    )


class MetricLatestSchema(Schema):
    timestamp = fields.Str(metadata={"format": "date-time"})
    value = fields.Float()


class MetricSummarySchema(Schema):
    count = fields.Int(metadata={"description": "Readings in the window."})
    mean = fields.Float(allow_none=True)
    min = fields.Float(allow_none=True)
    max = fields.Float(allow_none=True)
    latest = fields.Nested(MetricLatestSchema, allow_none=True)


class MetricBucketSchema(Schema):
    timestamp = fields.Str(metadata={"format": "date-time", "description": "Bucket start."})
    mean = fields.Float()
    min = fields.Float()
    max = fields.Float()
    count = fields.Int()


class PublicMetricSchema(Schema):
    id = fields.Str()
    name = fields.Str()
    suffix = fields.Str(allow_none=True)
    y_axis_min = fields.Float(allow_none=True)
    y_axis_max = fields.Float(allow_none=True)
    y_axis_hidden = fields.Bool()
    decimal_places = fields.Int()
    tooltip_description = fields.Str(allow_none=True)
    component_ids = fields.List(fields.Str())
    summary = fields.Nested(MetricSummarySchema)
    points = fields.List(
        fields.Nested(MetricBucketSchema),
        metadata={"description": "Buckets with readings, oldest first (empty ones left out)."},
    )


class PublicMetricsSchema(Schema):
    period = fields.Str(metadata={"enum": ["day", "week", "month"]})
    bucket_seconds = fields.Int()
    start = fields.Str(metadata={"format": "date-time"})
    end = fields.Str(metadata={"format": "date-time", "description": "Exclusive."})
    metrics = fields.List(
        fields.Nested(PublicMetricSchema), metadata={"description": "Displayed ones, in order."}
    )
