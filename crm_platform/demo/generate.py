"""Build demo records from a seeded random generator, without touching the database."""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field
from typing import Any

from crm_platform.demo import words

# Weighted choices as pools to pick from: a pick is one random() call, which keeps a million
# contacts quick to generate.
PAST_TYPES = ("call",) * 6 + ("meeting",) * 3 + ("email",) * 7 + ("note", "note", "social_message", "social_message")
STAGES = tuple(stage for stage, weight in zip(words.STAGES, words.STAGE_WEIGHTS, strict=True) for _ in range(weight))
ACTIVITY_COUNTS = (0, 1, 1, 1, 2, 2)
TAG_COUNTS = (0, 0, 1, 1, 2)
DIRECTED = frozenset({"call", "email", "social_message"})
TASK_TYPES = ("task", "follow_up")


@dataclass(frozen=True)
class CompanyPlan:
    name: str
    domain: str
    industry: str
    size: str
    parent_index: int | None
    owner: int
    tags: list[str]


@dataclass
class ActivityPlan:
    type: str
    subject: str
    occurred_at: dt.datetime
    direction: str = ""
    channel: str = ""
    due_at: dt.datetime | None = None
    done: bool = True
    reminded_at: dt.datetime | None = None
    colleague: int | None = None  # position in the chunk of a second participant


@dataclass
class ContactPlan:
    values: dict[str, Any]
    company_index: int | None
    since: dt.date
    manager: int | None = None  # position in the chunk
    referrer: int | None = None  # position in the chunk
    activities: list[ActivityPlan] = field(default_factory=list)


def _pick(rng: random.Random, options: tuple | list) -> Any:
    return options[int(rng.random() * len(options))]


def _some(rng: random.Random, options: tuple) -> list:
    """None, one or two different options."""
    count = _pick(rng, TAG_COUNTS)
    if count == 0:
        return []
    first = _pick(rng, options)
    second = _pick(rng, options)
    return [first] if count == 1 or second == first else [first, second]


def ascii_slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def companies(rng: random.Random, count: int, owners: list[int]) -> list[CompanyPlan]:
    plans: list[CompanyPlan] = []
    for index in range(count):
        industry = rng.choice(tuple(words.COMPANY_KINDS))
        base = f"{rng.choice(words.COMPANY_WORDS)} {rng.choice(words.COMPANY_KINDS[industry])}"
        # Past the number of distinct word pairs, a branch name keeps names (and domains) unique.
        name = base if index < 200 else f"{base} {index}"
        # One in twenty is a subsidiary of an earlier company; the twelfth always is, so even
        # a small demo shows a hierarchy.
        parent = rng.randrange(index) if index > 10 and (rng.random() < 0.05 or index == 11) else None
        plans.append(
            CompanyPlan(
                name=name,
                domain=f"{ascii_slug(base)}{index}.example.com",
                industry=industry,
                size=rng.choice(words.COMPANY_SIZES),
                parent_index=parent,
                owner=rng.choice(owners),
                tags=rng.sample(words.COMPANY_TAGS, k=rng.choice((0, 0, 1, 1, 2))),
            )
        )
    return plans


def _phone(rng: random.Random) -> str:
    prefix, digits = _pick(rng, words.PHONE_PLANS)
    return prefix + str(int(rng.random() * 10**digits)).zfill(digits)


def _activities(rng: random.Random, now: dt.datetime, colleague: int | None) -> list[ActivityPlan]:
    plans = []
    for _ in range(_pick(rng, ACTIVITY_COUNTS)):
        kind = _pick(rng, PAST_TYPES)
        plans.append(
            ActivityPlan(
                type=kind,
                subject=_pick(rng, words.ACTIVITY_SUBJECTS[kind]),
                occurred_at=now - dt.timedelta(minutes=int(rng.random() * 365 * 24 * 60) + 1),
                direction=_pick(rng, ("inbound", "outbound")) if kind in DIRECTED else "",
                channel=words.CHANNELS.get(kind, ""),
                colleague=colleague if kind == "meeting" else None,
            )
        )
    if rng.random() < 0.2:
        kind = _pick(rng, TASK_TYPES)
        due = now + dt.timedelta(days=rng.uniform(-10, 20))
        done = due < now and rng.random() < 0.3
        plans.append(
            ActivityPlan(
                type=kind,
                subject=_pick(rng, words.ACTIVITY_SUBJECTS[kind]),
                occurred_at=min(due, now) - dt.timedelta(days=rng.uniform(1, 14)),
                due_at=due,
                done=done,
                # Tasks already overdue were reminded when they fell due.
                reminded_at=due if due <= now else None,
            )
        )
    return plans


def contacts(
    rng: random.Random,
    start: int,
    count: int,
    company_plans: list[CompanyPlan],
    owners: list[int],
    now: dt.datetime,
) -> list[ContactPlan]:
    """Contacts ``start`` .. ``start + count - 1``, in the cleaned form ``write_contacts`` takes."""
    plans: list[ContactPlan] = []
    last_at_company: dict[int, int] = {}
    companies_count = len(company_plans)
    for position in range(count):
        number = start + position
        given, family = _pick(rng, words.GIVEN_NAMES), _pick(rng, words.FAMILY_NAMES)
        company_index = int(rng.random() * companies_count) if companies_count and rng.random() < 0.9 else None
        domain = (
            company_plans[company_index].domain if company_index is not None else _pick(rng, words.PERSONAL_DOMAINS)
        )
        email = f"{ascii_slug(given)}.{ascii_slug(family)}{number}@{domain}"
        phones = [{"number": _phone(rng), "label": _pick(rng, ("work", "mobile"))}] if rng.random() < 0.8 else []
        colleague = last_at_company.get(company_index) if company_index is not None else None
        activities = _activities(rng, now, colleague)
        past = [a.occurred_at for a in activities if a.due_at is None and a.type != "note"]
        values = {
            "given_name": given,
            "family_name": family,
            "display_name": f"{given} {family}",
            "primary_email": email,
            "emails": [{"address": email, "label": "work" if company_index is not None else "home"}],
            "phones": phones,
            "job_title": _pick(rng, words.JOB_TITLES) if company_index is not None else "",
            "lifecycle_stage": _pick(rng, STAGES),
            "lifecycle_changed_at": now - dt.timedelta(days=int(rng.random() * 364) + 1),
            "owner": _pick(rng, owners),
            "tags": _some(rng, words.CONTACT_TAGS),
            "source": _pick(rng, words.SOURCES),
            "custom": {},
            "last_contacted_at": max(past) if past else None,
        }
        plans.append(
            ContactPlan(
                values=values,
                company_index=company_index,
                since=(now - dt.timedelta(days=30 + int(rng.random() * 3620))).date(),
                manager=colleague if colleague is not None and rng.random() < 0.5 else None,
                referrer=int(rng.random() * position) if position and rng.random() < 0.04 else None,
                activities=activities,
            )
        )
        if company_index is not None:
            last_at_company[company_index] = position
    return plans
