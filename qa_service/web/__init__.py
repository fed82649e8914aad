"""Helpers of the server-rendered pages (qa_service/routers/pages.py)."""
