{
    "name": "Customer Quality benchmark baseline",
    "summary": "Bench-only: a bare mail.thread document to compare tickets with",
    "version": "18.0.1.0.0",
    "category": "Hidden",
    "author": "customer_quality developers",
    "license": "LGPL-3",
    "depends": ["mail"],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
