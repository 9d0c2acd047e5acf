"""OData v2 protocol pieces of the S/4HANA fake: paths, query options, $filter, payloads,
JSON rendering and $batch. Nothing here knows SAP's business rules."""
