"""The plugin's tables, prefixed with its slug. Contacts, users and activities are named by id
rather than by foreign key, so the plugin's schema names no core table."""

from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Note(Table, tablename="healthcare_note"):
    """A clinical note about a patient. ``body`` is the clinical content: only holders of
    ``healthcare.clinical`` read or write it; everyone who may see the note sees that it exists."""

    category = Varchar(length=40, default="consultation")
    patient_id = Integer(null=True, default=None, index=True)
    owner = Integer(null=True, default=None, index=True)
    body = Text(default="")
    tags = JSON(default=[])
    custom = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Appointment(Table, tablename="healthcare_appointment"):
    """What the plugin knows of an appointment beyond its activity on the timeline (which has
    the same id): who sees the patient, where, and how it went."""

    activity_id = Integer(index=True, unique=True)
    patient_id = Integer(index=True)
    owner = Integer(null=True, default=None, index=True)
    starts_at = Timestamptz(index=True)
    provider = Varchar(length=200, default="")
    location = Varchar(length=200, default="")
    status = Varchar(length=20, default="booked", index=True)
    # When the booker was reminded, so the reminder job reminds once.
    reminded_at = Timestamptz(null=True, default=None)
    # When its activity went to the trash: hidden until the activity is restored, removed by
    # ``healthcare.appointments_purge`` once the trash would have let the activity go.
    trashed_at = Timestamptz(null=True, default=None)


class ReadLog(Table, tablename="healthcare_read_log"):
    """Who read what of a patient's record, when and from where: the read audit."""

    patient_id = Integer(index=True)
    actor = Integer(null=True, default=None)
    what = Varchar(length=40)
    record_type = Varchar(length=60, default="contact")
    record_id = Integer(null=True, default=None)
    surface = Varchar(length=20)
    client = Varchar(length=64, default="")
    at = Timestamptz(default=TimestamptzNow(), index=True)
