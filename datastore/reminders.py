"""Renewals that remind: an agreement's expiry, its renewal date and its next action as
calendar events (iCalendar, RFC 5545) and as a weekly e-mail digest (docs/agreements.md).

Renewal is due six months before an agreement expires. Only dates the data gives are
used: an agreement with no expiry (unknown or open-ended) has no expiry or renewal event.
"""

from __future__ import annotations

import os
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage

import pandas as pd

from i18n import t
from i18n.fmt import date_text

RENEWAL_MONTHS = 6


@dataclass(frozen=True)
class Reminder:
    day: date
    kind: str  # "expires", "renewal_due", "next_action"
    agreement_id: str
    partner: str
    holder: str
    stage: str


def renewal_day(expires: date) -> date:
    """Six months before ``expires`` (the last day of the month when that day is missing)."""
    stamp = pd.Timestamp(expires) - pd.DateOffset(months=RENEWAL_MONTHS)
    return stamp.date()


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value).strip()


def _day(value: object, precision: object = "day") -> date | None:
    if value is None or pd.isna(value) or _text(precision) not in ("", "day"):
        return None  # a month or a year alone is no day to remind on
    return pd.Timestamp(value).date()


def reminders(tables: Mapping[str, pd.DataFrame], institution: str) -> list[Reminder]:
    """Every dated reminder of ``institution``'s agreements, by day then agreement."""
    agreements = tables.get("agreements")
    if agreements is None or agreements.empty:
        return []
    partners = tables.get("partners")
    names = {} if partners is None else dict(zip(partners["partner_id"].astype(str),
                                                 partners["name"].astype(str), strict=True))
    out = []
    for row in agreements[agreements["institution_id"].astype(str) == institution].to_dict("records"):
        ident = _text(row.get("agreement_id"))
        partner = names.get(_text(row.get("partner_id")), _text(row.get("partner_id")))
        holder, stage = _text(row.get("holder")), _text(row.get("stage"))
        if stage == "ended":
            continue
        expires = _day(row.get("expires_on"), row.get("expires_on_precision"))
        if expires is not None:
            out.append(Reminder(renewal_day(expires), "renewal_due", ident, partner, holder, stage))
            out.append(Reminder(expires, "expires", ident, partner, holder, stage))
        action = _day(row.get("next_action_on"), row.get("next_action_on_precision"))
        if action is not None:
            out.append(Reminder(action, "next_action", ident, partner, holder, stage))
    return sorted(out, key=lambda r: (r.day, r.agreement_id, r.kind))


def institution_name(tables: Mapping[str, pd.DataFrame], institution: str) -> str:
    """The institution's short name (its id when it has none)."""
    frame = tables.get("institutions")
    if frame is not None and "short_name" in frame.columns:
        hit = frame[frame["institution_id"].astype(str) == institution]
        if not hit.empty and _text(hit.iloc[0]["short_name"]):
            return _text(hit.iloc[0]["short_name"])
    return institution


def summary(reminder: Reminder, lang: str) -> str:
    return t(f"reminder.{reminder.kind}", lang, agreement=reminder.agreement_id, partner=reminder.partner)


def _details(reminder: Reminder, lang: str) -> str:
    lines = []
    if reminder.holder:
        lines.append(t("reminder.holder", lang, holder=reminder.holder))
    if reminder.stage:
        lines.append(t("reminder.stage", lang, stage=t(f"enum.agreement_stage.{reminder.stage}", lang)))
    return "\n".join(lines)


def calendar_ics(tables: Mapping[str, pd.DataFrame], institution: str, lang: str = "en") -> bytes:
    """The reminders of one institution as an iCalendar file (all-day events)."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//International cooperation dashboard//reminders//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", t("reminder.calendar_name", lang,
                                   institution=institution_name(tables, institution)))
    for reminder in reminders(tables, institution):
        event = Event()
        # stable: importing the file again updates the same events instead of doubling them
        event.add("uid", f"{reminder.agreement_id}-{reminder.kind}-{reminder.day.isoformat()}@coop")
        event.add("dtstamp", pd.Timestamp("2000-01-01", tz="UTC").to_pydatetime())
        event.add("dtstart", reminder.day)
        event.add("summary", summary(reminder, lang))
        details = _details(reminder, lang)
        if details:
            event.add("description", details)
        calendar.add_component(event)
    return calendar.to_ical()


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str = ""
    password: str = ""
    starttls: bool = False

    @classmethod
    def from_env(cls) -> SmtpSettings | None:
        """``COOP_SMTP_HOST`` (required), ``COOP_SMTP_PORT`` (25), ``COOP_SMTP_FROM``,
        ``COOP_SMTP_USER``, ``COOP_SMTP_PASSWORD``, ``COOP_SMTP_STARTTLS=1``; None unset."""
        host = os.environ.get("COOP_SMTP_HOST", "").strip()
        if not host:
            return None
        return cls(host, int(os.environ.get("COOP_SMTP_PORT", "25") or 25),
                   os.environ.get("COOP_SMTP_FROM", "").strip() or f"coop@{host}",
                   os.environ.get("COOP_SMTP_USER", ""), os.environ.get("COOP_SMTP_PASSWORD", ""),
                   os.environ.get("COOP_SMTP_STARTTLS", "") == "1")


def digest_text(tables: Mapping[str, pd.DataFrame], institution: str, lang: str, today: date,
                days: int = 180) -> str:
    """The digest's body: overdue next actions, then what falls due in the next ``days``."""
    items = reminders(tables, institution)
    overdue = [r for r in items if r.kind == "next_action" and r.day < today]
    coming = [r for r in items if today <= r.day <= today + pd.Timedelta(days=days)]
    lines = [t("reminder.digest_intro", lang, institution=institution_name(tables, institution),
               day=date_text(today, lang))]
    for title, group in (("reminder.digest_overdue", overdue), ("reminder.digest_coming", coming)):
        lines += ["", t(title, lang)]
        if not group:
            lines.append("  " + t("reminder.digest_none", lang))
        for reminder in group:
            extra = f" ({reminder.holder})" if reminder.holder else ""
            lines.append(f"  {date_text(reminder.day, lang)}: {summary(reminder, lang)}{extra}")
    return "\n".join(lines) + "\n"


def send_digest(settings: SmtpSettings, tables: Mapping[str, pd.DataFrame], institution: str,
                to: list[str], lang: str, today: date) -> EmailMessage:
    """Send the digest of ``institution`` to ``to`` through the SMTP server; the message."""
    message = EmailMessage()
    message["Subject"] = t("reminder.digest_subject", lang, institution=institution_name(tables, institution),
                           day=date_text(today, lang))
    message["From"] = settings.sender
    message["To"] = ", ".join(to)
    message.set_content(digest_text(tables, institution, lang, today))
    with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        smtp.send_message(message)
    return message
