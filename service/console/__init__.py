"""The account console: the document's tools as server-rendered pages for account holders."""
