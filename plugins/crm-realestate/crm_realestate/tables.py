"""The plugin's tables, prefixed with its slug. Contacts and users are held by id rather than by
foreign key: the plugin's schema names no core table, so it can be removed without touching the
core's; ``crm_event`` forgets a deleted contact."""

from piccolo.columns import JSON, Integer, Numeric, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

ADDRESS_LENGTH = 300
AREA_LENGTH = 100


class Property(Table, tablename="realestate_property"):
    address = Varchar(length=ADDRESS_LENGTH)
    # The neighbourhood or town buyers ask for; ``area_key`` is its folded form, which matching compares.
    area = Varchar(length=AREA_LENGTH, default="")
    area_key = Varchar(length=AREA_LENGTH, default="")
    type = Varchar(length=20, default="house")
    bedrooms = Integer(null=True, default=None)
    bathrooms = Integer(null=True, default=None)
    area_m2 = Numeric(digits=(12, 2), null=True, default=None)
    price = Numeric(digits=(14, 2), null=True, default=None)
    currency = Varchar(length=3, default="EUR")
    status = Varchar(length=20, default="for_sale")
    # The listing agent: the user whose listing it is; access (own, team, all) is decided on it.
    agent = Integer(null=True, default=None)
    # The contact who owns the property (the seller or landlord).
    owner_contact_id = Integer(null=True, default=None, index=True)
    photos = JSON(default=[])
    description = Text(default="")
    tags = JSON(default=[])
    custom = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Offer(Table, tablename="realestate_offer"):
    property_id = Integer(index=True)
    # The contact who makes the offer.
    buyer_contact_id = Integer(null=True, default=None, index=True)
    amount = Numeric(digits=(14, 2))
    currency = Varchar(length=3, default="EUR")
    conditions = Text(default="")
    status = Varchar(length=20, default="made")
    owner = Integer(null=True, default=None, index=True)
    tags = JSON(default=[])
    custom = JSON(default={})
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())


class Wish(Table, tablename="realestate_wish"):
    """What a buyer or tenant looks for, one row per wanted area and type (``*`` for any), kept
    from the contact's custom fields so that "buyers for this listing" is one index range."""

    contact_id = Integer()
    owner = Integer(null=True, default=None)
    seeks = Varchar(length=10)  # for_sale (a buyer) or for_rent (a tenant)
    area_key = Varchar(length=AREA_LENGTH)
    type = Varchar(length=20)
    budget_min = Numeric(digits=(14, 2))
    budget_max = Numeric(digits=(14, 2))


class DealLink(Table, tablename="realestate_deal_link"):
    """A deal of the sales plugin about a property. Ids rather than foreign keys: the sales
    plugin may be absent, and a link outlives a stay of either record in the trash."""

    property_id = Integer(index=True)
    deal_id = Integer(index=True)
    created_at = Timestamptz(default=TimestamptzNow())
