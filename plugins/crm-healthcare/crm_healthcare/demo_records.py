"""Demo patients for ``crm demo``: a few contacts that are plainly fictional (named "Demo
patient", insurer "Example Health (fictional)", member ids starting ``DEMO-``), each with an
appointment, some of them missed, and a clinical note. Written in bulk through the core's pipeline."""

from __future__ import annotations

import datetime as dt
import random

from crm_hookspecs import DemoData
from crm_platform.toolkit import create_records, principal_for

from crm_healthcare import appointments, notes

PATIENTS = 8
PROVIDERS = ("Dr. Example (fictional)", "Nurse Sample (fictional)")
LOCATIONS = ("Demo clinic, room 1", "Demo clinic, room 2")


async def load(demo: DemoData) -> str | None:
    admin = await principal_for(demo.user_ids[0]) if demo.user_ids else None
    if admin is None:
        return None
    rng = random.Random(f"healthcare-{demo.seed}")
    contacts = [
        {"given_name": "Demo patient", "family_name": f"{number:02d}", "display_name": "", "emails": [],
         "phones": [], "job_title": "", "source": "demo", "lifecycle_stage": "customer", "tags": ["demo-patient"],
         "custom": {
            "healthcare_date_of_birth": f"19{rng.randint(40, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            "healthcare_insurer": "Example Health (fictional)",
            "healthcare_member_id": f"DEMO-{number:04d}",
            "healthcare_primary_physician": PROVIDERS[0],
            "healthcare_preferred_channel": rng.choice(("email", "phone", "sms")),
            "healthcare_consent_email": "given",
            "healthcare_consent_email_date": demo.now.date().isoformat(),
            "healthcare_consent_email_source": "demo data",
        }}
        for number in range(1, PATIENTS + 1)
    ]
    ids = await create_records(admin, "contact", contacts)
    missed = 0
    for number, patient_id in enumerate(ids):
        starts_at = demo.now + dt.timedelta(days=rng.randint(-20, 20), hours=rng.randint(0, 8))
        booked = await appointments.book(admin, {
            "patient_id": patient_id, "starts_at": starts_at, "provider": rng.choice(PROVIDERS),
            "location": rng.choice(LOCATIONS)})
        if starts_at < demo.now:
            status = "no_show" if number % 3 == 0 else "attended"
            missed += status == "no_show"
            await appointments.set_status(admin, booked["id"], status)
    await create_records(admin, notes.KIND_KEY, [
        {"patient_id": patient_id, "category": "consultation", "body": "Fictional demo note: no real person."}
        for patient_id in ids
    ])
    return f"Loaded {len(ids)} fictional patients ({missed} no-shows)."
