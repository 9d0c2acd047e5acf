"""Data interfaces of the price, customer, B2B, checkout and bulk services (names and PHP types).

Taken from the Swagger definitions of admin-schema-2.4.9.yaml and guest-schema-2.4.9.yaml like
:mod:`fakes.magento.fields`, which merges them into its tables.
"""

from __future__ import annotations

INTERFACES: dict[str, dict[str, str]] = {
    "base_price": {
        "price": "float", "store_id": "int", "sku": "string", "extension_attributes": "any",
    },
    "special_price": {
        "price": "float", "store_id": "int", "sku": "string", "price_from": "string",
        "price_to": "string", "extension_attributes": "any",
    },
    "tier_price": {
        "price": "float", "price_type": "string", "website_id": "int", "sku": "string",
        "customer_group": "string", "quantity": "float", "extension_attributes": "any",
    },
    "cost_price": {
        "cost": "float", "store_id": "int", "sku": "string", "extension_attributes": "any",
    },
    "customer_group": {
        "id": "int", "code": "string", "tax_class_id": "int", "tax_class_name": "string",
        "extension_attributes": "any",
    },
    "company": {
        "id": "int", "status": "int", "company_name": "string", "legal_name": "string",
        "company_email": "string", "vat_tax_id": "string", "reseller_id": "string",
        "comment": "string", "street": "string[]", "city": "string", "country_id": "string",
        "region": "string", "region_id": "string", "postcode": "string", "telephone": "string",
        "customer_group_id": "int", "sales_representative_id": "int", "reject_reason": "string",
        "rejected_at": "string", "super_user_id": "int", "extension_attributes": "any",
    },
    "credit_limit": {
        "id": "int", "company_id": "int", "credit_limit": "float", "balance": "float",
        "currency_code": "string", "exceed_limit": "bool", "available_limit": "float",
        "credit_comment": "string", "extension_attributes": "any",
    },
    "credit_balance_options": {
        "purchase_order": "string", "order_increment": "string", "currency_display": "string",
        "currency_base": "string", "extension_attributes": "any",
    },
    "cart_item": {
        "item_id": "int", "sku": "string", "qty": "float", "name": "string", "price": "float",
        "product_type": "string", "quote_id": "string", "product_option": "any",
        "extension_attributes": "any",
    },
    "quote_address": {
        "id": "int", "region": "string", "region_id": "int", "region_code": "string",
        "country_id": "string", "street": "string[]", "company": "string",
        "telephone": "string", "fax": "string", "postcode": "string", "city": "string",
        "firstname": "string", "lastname": "string", "middlename": "string",
        "prefix": "string", "suffix": "string", "vat_id": "string", "customer_id": "int",
        "email": "string", "same_as_billing": "int", "customer_address_id": "int",
        "save_in_address_book": "int", "extension_attributes": "any",
        "custom_attributes": "attribute[]",
    },
    "shipping_information": {
        "shipping_address": "quote_address", "billing_address": "quote_address",
        "shipping_method_code": "string", "shipping_carrier_code": "string",
        "extension_attributes": "any", "custom_attributes": "attribute[]",
    },
    "quote_payment": {
        "po_number": "string", "method": "string", "additional_data": "string[]",
        "extension_attributes": "any",
    },
    "bulk_operation": {
        "id": "int", "bulk_uuid": "string", "topic_name": "string", "serialized_data": "string",
        "result_serialized_data": "string", "status": "int", "result_message": "string",
        "error_code": "int", "extension_attributes": "any",
    },
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "base_price": ("price", "store_id", "sku"),
    "special_price": ("price", "store_id", "sku", "price_from", "price_to"),
    "tier_price": ("price", "price_type", "website_id", "sku", "customer_group", "quantity"),
    "cost_price": ("cost", "store_id", "sku"),
    "customer_group": ("code", "tax_class_id"),
    "company": (
        "street", "customer_group_id", "sales_representative_id", "reject_reason", "rejected_at",
        "super_user_id",
    ),
    "credit_limit": ("exceed_limit",),
    "cart_item": ("qty", "quote_id"),
    "quote_address": (
        "region", "region_id", "region_code", "country_id", "street", "telephone", "postcode",
        "city", "firstname", "lastname", "email",
    ),
    "bulk_operation": (
        "id", "bulk_uuid", "topic_name", "serialized_data", "result_serialized_data", "status",
        "result_message", "error_code",
    ),
}
