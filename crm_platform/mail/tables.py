"""``crm_outbound_email``: each email the CRM sends, kept until the relay has taken it."""

from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class OutboundEmail(Table, tablename="crm_outbound_email"):
    """One message to one address. Emails queued together share a ``batch``, which the job
    ``core.send_emails`` is given, so a hundred notifications cost one run and one connection."""

    batch = Varchar(length=40, index=True)
    to_address = Varchar(length=254)
    subject = Varchar(length=200)
    text_body = Text()
    html_body = Text(default="")
    # "queued", "sent", or "refused" when the relay turned the address down for good.
    state = Varchar(length=12, default="queued")
    error = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
