"""Hand-written ``$metadata`` for API_CRDTMBUSINESSPARTNER (credit management business partner),
the part a web shop reads: the credit account of a business partner per credit segment, with
its credit limit and block.

A subset (written in the tables of :mod:`contracts.s4hana.handwritten`): property names and
types follow SAP's released CDS view of credit accounts (``I_CreditManagementAccount``,
table UKMBP_CMS_SGM: ``CustomerCreditLimitAmount``, ``CreditAccountIsBlocked``,
``CreditAccountBlockReason``, ...). The entity set and type names and the facets are
unconfirmed (no published EDMX was at hand); the set is read only here, as credit limits are
the credit controller's.
"""

from __future__ import annotations

from contracts.s4hana.handwritten import READ_ONLY, ServiceDef, SetDef, TypeDef

SERVICE_NAME = "API_CRDTMBUSINESSPARTNER"
ACCOUNT = "A_CreditManagementAccount"

CREDIT_MANAGEMENT_SERVICE = ServiceDef(
    service=SERVICE_NAME,
    namespace=SERVICE_NAME,
    types=(
        TypeDef(
            "A_CreditManagementAccountType",
            ("BusinessPartner", "CreditSegment"),
            (
                ("BusinessPartner", "String(10)", "Business Partner", "nn upper"),
                ("CreditSegment", "String(10)", "Credit Segment", "nn upper"),
                ("CreditSegmentCurrency", "String(5)", "Currency", "upper sem:currency-code"),
                (
                    "CustomerCreditLimitAmount",
                    "Decimal(16,3)",
                    "Credit Limit",
                    "unit:CreditSegmentCurrency",
                ),
                ("CreditLimitValidityEndDate", "DateTime", "Valid To", "date"),
                ("CreditLimitLastChangeDate", "DateTime", "Changed On", "date"),
                ("CreditAccountIsBlocked", "Boolean", "Blocked", ""),
                ("CreditAccountBlockReason", "String(2)", "Block Reason", "upper"),
                ("BusinessPartnerIsCritical", "Boolean", "Special Attention", ""),
            ),
            (),
            "Credit Account",
        ),
    ),
    assocs=(),
    sets=(SetDef(ACCOUNT, "A_CreditManagementAccountType", READ_ONLY),),
)
