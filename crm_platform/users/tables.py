"""Users, teams and API tokens."""

from piccolo.columns import Boolean, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Team(Table, tablename="crm_team"):
    name = Varchar(length=100, unique=True)


class User(Table, tablename="crm_user"):
    email = Varchar(length=254, unique=True)
    display_name = Varchar(length=200)
    password_hash = Varchar(length=255)
    role = Varchar(length=20, default="member")
    team = ForeignKey(references=Team, null=True, on_delete=OnDelete.set_null)
    is_active = Boolean(default=True)
    theme = Varchar(length=50, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    # Sessions signed in under an older version are over (the user was disabled, or their
    # password was set): re-enabling a user never brings those sessions back.
    session_version = Integer(default=0)
    # The user's own regional preferences (crm_platform.regional); empty: the instance's.
    phone_region = Varchar(length=2, default="")
    currency = Varchar(length=3, default="")
    time_zone = Varchar(length=60, default="")
    date_format = Varchar(length=20, default="")
    number_format = Varchar(length=20, default="")
    week_start = Varchar(length=10, default="")


class ApiToken(Table, tablename="crm_api_token"):
    user = ForeignKey(references=User, on_delete=OnDelete.cascade)
    name = Varchar(length=100, default="")
    token_hash = Varchar(length=64, unique=True)
    prefix = Varchar(length=12)
    created_at = Timestamptz(default=TimestamptzNow())
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class UserInvite(Table, tablename="crm_user_invite"):
    """A one-time link for setting one's first password; only the token's hash is kept."""

    user = ForeignKey(references=User, on_delete=OnDelete.cascade, null=False)
    token_hash = Varchar(length=64, unique=True)
    # A plain id rather than a foreign key, as in the audit log.
    created_by = Integer(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())
    expires_at = Timestamptz(default=TimestamptzNow())
    used_at = Timestamptz(null=True, default=None)
