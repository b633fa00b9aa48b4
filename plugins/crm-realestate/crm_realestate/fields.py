"""The contact fields of a real estate practice, declared through the contract's typed custom
fields: the core shows them on contact forms and pages, as list columns and filters, in search
(where marked), import mapping and CSV export, with no code of the plugin's."""

from __future__ import annotations

from crm_hookspecs import FieldDefinition

from crm_realestate.properties import TYPES

ROLES = ("buyer", "seller", "landlord", "tenant")
ROLE = "realestate_role"
BUDGET_MIN = "realestate_budget_min"
BUDGET_MAX = "realestate_budget_max"
WANTED_AREAS = "realestate_wanted_areas"
WANTED_TYPES = "realestate_wanted_types"
MORTGAGE_AMOUNT = "realestate_mortgage_amount"
MORTGAGE_LENDER = "realestate_mortgage_lender"
MORTGAGE_EXPIRY = "realestate_mortgage_expiry"

CONTACT_FIELDS = (
    FieldDefinition("contact", ROLE, "Real estate role", kind="multi_choice", choices=ROLES,
                    help="Buyers and tenants are matched with listings."),
    FieldDefinition("contact", BUDGET_MIN, "Budget from", kind="money"),
    FieldDefinition("contact", BUDGET_MAX, "Budget up to", kind="money"),
    FieldDefinition("contact", WANTED_AREAS, "Wanted areas", searchable=True,
                    help="Areas separated by commas, as listings name them: Riverside, Old Town."),
    FieldDefinition("contact", WANTED_TYPES, "Wanted property types", kind="multi_choice", choices=TYPES),
    FieldDefinition("contact", MORTGAGE_AMOUNT, "Mortgage pre-approval", kind="money"),
    FieldDefinition("contact", MORTGAGE_LENDER, "Mortgage lender", searchable=True),
    FieldDefinition("contact", MORTGAGE_EXPIRY, "Pre-approval expires", kind="date"),
)
