"""``crm retail ...``: the RFM scoring on demand, as the nightly job runs it."""

from __future__ import annotations

import click
from crm_platform.toolkit import run_command

from crm_retail import rfm


@click.group("retail")
def retail() -> None:
    """Orders, loyalty and RFM segments."""


@retail.command("rfm")
def rfm_command() -> None:
    """Score every customer's recency, frequency and money now and place them in segments."""
    scored = run_command(rfm.compute)
    click.echo(f"Scored {scored} customers in RFM segments.")
