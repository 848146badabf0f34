"""What account holders and operators do to accounts, accesses, filters and records.

The operator commands and the account console call these functions; they take
plain values, use the store through units of work, and raise ``Refused`` with a
one-line reason. They print nothing and know no command line or web page.
"""
